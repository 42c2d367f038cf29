"""Celery tasks of the provider registry: thin wrappers that load by id and call a service."""

from __future__ import annotations

from celery import shared_task

from providers import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def run_rmd_import(job_id: int) -> None:
    """Import an uploaded RMD export; safe to run twice (a job runs only from `queued`)."""
    services.rmd_import_run(job_id=job_id)
