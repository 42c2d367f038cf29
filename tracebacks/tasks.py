"""Celery tasks of the traceback process: thin wrappers that load by id and call a service."""

from __future__ import annotations

from celery import shared_task

from tracebacks import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_hop(hop_id: int, provider_id: int | None = None) -> None:
    """E-mail a hop's request to its provider (a no-op once the hop is answered or reassigned)."""
    services.hop_notify(hop_id=hop_id, provider_id=provider_id)


@shared_task
def mark_overdue_hops() -> int:
    """Beat, every five minutes: hops past their 24-hour window become 'no response' and are flagged."""
    return services.hops_mark_overdue()
