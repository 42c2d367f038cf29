"""Celery tasks of the audit trail: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from itg.audit.checkpoints import checkpoint_write


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def write_checkpoint() -> str:
    """Sign the chain head (beat, every AUDIT_CHECKPOINT_MINUTES). Safe to run twice: it signs again."""
    name, _doc = checkpoint_write()
    return name
