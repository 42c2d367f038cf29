from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from tracebacks.ecosystem.services import finding_snapshot_make


@shared_task
def snapshot_last_month() -> int:
    """Freeze the findings of the month just ended (safe to run daily and twice: one snapshot per month)."""
    last_month = timezone.now().date().replace(day=1) - timedelta(days=1)
    return finding_snapshot_make(month=last_month).pk
