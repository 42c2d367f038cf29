"""Celery tasks of the responses feature: thin wrappers that load by id and call a service."""

from __future__ import annotations

from celery import shared_task

from subpoenas.responses.services import (
    STALE_RENDER,
    render_claimed_elsewhere,
    response_render_and_sign,
    responses_sweep_stale,
)


@shared_task(bind=True, acks_late=True, max_retries=3)
def sign_response(self, response_id: int) -> None:
    """Render, Bates-number and sign one response version; a no-op when it is already signed.

    A redelivered message (its pool process was killed mid-render) finds the dead render's claim still
    fresh: instead of acknowledging and leaving the version "rendering" for good, it comes back once the
    claim can have gone stale, and takes it over then.
    """
    response_render_and_sign(response_id=response_id)
    if render_claimed_elsewhere(response_id):
        raise self.retry(countdown=int(STALE_RENDER.total_seconds()) + 5)


@shared_task
def sweep_stale_renders() -> dict:
    """Every minute: lost renders become failed with the reason (and a retry); lost messages re-queued."""
    return responses_sweep_stale()
