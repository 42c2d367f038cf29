"""Celery tasks of the call store: thin, loaded by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_calls(job_id: int) -> int:
    """Run (or resume) one import job. acks_late + reject_on_worker_lost: a killed worker's job is
    redelivered and resumes after its last committed chunk (see pipeline.py)."""
    from .models import ImportJob
    from .pipeline import job_run

    job = job_run(ImportJob.objects.get(pk=job_id))
    return job.created


@shared_task
def create_partitions_ahead() -> list[str]:
    from .partitions import create_ahead

    return create_ahead(months=3)
