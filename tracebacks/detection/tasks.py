"""Celery tasks of campaign detection: thin wrappers over the services (each safe to run twice)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from tracebacks.detection import rollups, services

RECENT_DAYS = 35


@shared_task
def detection_nightly() -> dict:
    """Beat, nightly: the full run (reconciles, proposes merges and new campaigns), then the recent rollups."""
    run = services.detection_run_full()
    today = dt.datetime.now(dt.UTC).date()
    written = rollups.rollup_refresh(today - dt.timedelta(days=i) for i in range(RECENT_DAYS))
    return {
        "run": run.pk,
        "proposed": run.proposed,
        "merges": len(run.merge_proposals),
        "rollup_rows": written,
    }


@shared_task
def rollups_recent() -> int:
    """Beat, hourly: re-derive today's and yesterday's rollups (late records, reassigned calls)."""
    today = dt.datetime.now(dt.UTC).date()
    return rollups.rollup_refresh([today, today - dt.timedelta(days=1)])


@shared_task
def rollups_days(days: list[str]) -> int:
    return rollups.rollup_refresh(dt.date.fromisoformat(d) for d in days)


@shared_task
def assign_imported_calls(call_ids: list[int]) -> dict:
    """After an import: assign the new calls to confirmed campaigns, then refresh the days they fall on."""
    return services.after_import(call_ids)


@shared_task
def assign_imported_job(job_id: int) -> dict:
    """Queued by the call importer when a job is done: the job's records go through `after_import`."""
    from tracebacks.calls.models import CallRecord

    ids = list(CallRecord.objects.filter(job_id=job_id).values_list("pk", flat=True))
    return services.after_import(ids)
