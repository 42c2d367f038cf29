"""Celery tasks of the responses feature: thin wrappers that load by id and call a service."""

from __future__ import annotations

from celery import shared_task

from subpoenas.responses.services import response_render_and_sign


@shared_task(acks_late=True)
def sign_response(response_id: int) -> None:
    """Render, Bates-number and sign one response version; a no-op when it is already signed."""
    response_render_and_sign(response_id=response_id)
