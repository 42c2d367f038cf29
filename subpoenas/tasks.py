"""Celery tasks: thin, load by id, call a service, safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from subpoenas import receipts, reminders, services
from subpoenas.intake import intake_drafts_purge


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_receipt(demand_id: int) -> None:
    """Queued on the commit of a received demand: sign its receipt (what the download serves), e-mail it."""
    receipts.receipt_send(demand_id=demand_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_demand_change(demand_id: int, action: str, by_id: int, key: str = "") -> None:
    receipts.demand_change_notify(demand_id=demand_id, action=action, by_id=by_id, key=key)


@shared_task
def send_deadline_reminders() -> int:
    return reminders.send_deadline_reminders()


@shared_task
def recompute_open_deadlines() -> int:
    """Run when holiday data changes (a new `holidays` release) and nightly: moves only what changed."""
    return sum(services.deadline_recompute(demand_id=pk) for pk in services.open_demand_ids())


@shared_task
def sign_missing_receipts() -> int:
    """Beat: a receipt whose intake task gave up (signing misconfigured, storage down past its retries) is
    signed once the cause is gone, without anyone running the command; a demand received in the last
    RECEIPT_SWEEP_AFTER_MINUTES is left to its own task."""
    from django.conf import settings

    cutoff = timezone.now() - timedelta(minutes=settings.RECEIPT_SWEEP_AFTER_MINUTES)
    return receipts.receipts_sign_missing(received_before=cutoff)


@shared_task
def purge_intake_drafts() -> int:
    return intake_drafts_purge(older_than=timezone.now() - timedelta(days=2))
