"""Demo trends and detected campaigns: the daily rollups of the demo call data, and one detection run over
the demo tracebacks' sample transcripts, so a new user sees the trend pages and detected campaigns filled."""

from __future__ import annotations

from django.db.models import Max, Min

from tracebacks.calls.models import CallRecord
from tracebacks.detection.models import Run
from tracebacks.detection.rollups import days_between, rollup_refresh
from tracebacks.detection.services import _traceback_items, detection_run_full
from tracebacks.models import Traceback


def seed_detection() -> int:
    """Rollups over every day with demo calls, then a full detection run; nothing if a run exists."""
    if Run.objects.exists():
        return 0
    span = CallRecord.objects.aggregate(first=Min("call_at"), last=Max("call_at"))
    written = rollup_refresh(days_between(span["first"], span["last"]))
    detection_run_full(items=list(_traceback_items(Traceback.objects.all())))
    return written
