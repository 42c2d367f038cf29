"""Beat tasks of alerts: thin wrappers that call a service; safe to run twice (unique periods, `key`s)."""

from celery import shared_task


@shared_task
def run_alert_rules() -> int:
    from subpoenas.alerts.services import rules_run

    return len(rules_run())


@shared_task
def send_alert_digests() -> dict:
    from subpoenas.alerts.subscriptions import digests_send_all

    return digests_send_all()
