"""An API POST's Idempotency-Key: a retried POST gets the first answer instead of doing the work twice.

The key's slot is claimed first (a unique row per user and key, committed on its own), the work and the
slot's completion then commit together: so a slot still pending once the request budget has passed (the
process died, the database restarted) proves that nothing was stored, and a retry may take it over.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from itg.accounts.models import User
from itg.uploads import stored_files
from subpoenas.models import IdempotencyKey

logger = logging.getLogger(__name__)

# Longer than any request may run (gunicorn's timeout, storage timeouts inside it): a slot still pending
# after this never completed, and its work was never committed.
SLOT_TIMEOUT = timedelta(seconds=120)


@dataclass(frozen=True)
class Answer:
    """What the API answers: a status, a JSON body and any headers."""

    status: int
    body: dict
    headers: dict[str, str] = field(default_factory=dict)


def fingerprint(data, files) -> str:
    """What makes two POSTs "the same": their fields and the SHA-256 of each file."""
    digest = hashlib.sha256()
    for key in sorted(data.keys()):
        if key in files:
            continue
        digest.update(f"{key}={data.getlist(key) if hasattr(data, 'getlist') else data[key]}\n".encode())
    for key in sorted(files.keys()):
        for upload in files.getlist(key):
            file_hash = hashlib.sha256()
            for chunk in upload.chunks():
                file_hash.update(chunk)
            upload.seek(0)
            digest.update(f"{key}:{file_hash.hexdigest()}\n".encode())
    return digest.hexdigest()


def answer_once(*, user: User, key: str, fingerprint: str, run: Callable[[], Answer]) -> Answer:
    """`run()`'s answer, once per (user, key): a retry of the same request replays it, another request with
    the key is refused (422), and a retry while the first still runs is told to wait (409, Retry-After)."""
    try:
        with transaction.atomic():
            slot = IdempotencyKey.objects.create(user=user, key=key, request_hash=fingerprint,
                                                 status_code=0, response={})  # fmt: skip
    except IntegrityError:
        return _replay(user=user, key=key, fingerprint=fingerprint, run=run)
    try:
        with stored_files(), transaction.atomic():  # a failed commit deletes what the work stored
            answer = run()
            if answer.status < 400:
                IdempotencyKey.objects.filter(pk=slot.pk).update(
                    status_code=answer.status, response=answer.body
                )
    except Exception:
        _release(slot)  # nothing was created: the same key may be used again
        raise
    if answer.status >= 400:
        _release(slot)
    return answer


def _release(slot: IdempotencyKey) -> None:
    """Free a key whose request stored nothing; if the database is down too, the slot expires instead."""
    try:
        IdempotencyKey.objects.filter(pk=slot.pk, status_code=0).delete()
    except DatabaseError:
        logger.warning("Idempotency-Key slot %s not released (database unavailable); it expires", slot.pk)


def _replay(*, user: User, key: str, fingerprint: str, run: Callable[[], Answer]) -> Answer:
    first = IdempotencyKey.objects.get(user=user, key=key)
    if first.request_hash != fingerprint:
        return Answer(422, {"detail": "This Idempotency-Key was already used for a different request. Use a new "
                            "key for a new demand, or resend exactly the same request to get its result."})  # fmt: skip
    stale = first.created_at < timezone.now() - SLOT_TIMEOUT
    # Never completed within the request budget: nothing was stored (see `answer_once`). Take it over.
    if (
        first.status_code == 0
        and stale
        and IdempotencyKey.objects.filter(pk=first.pk, status_code=0).delete()[0]
    ):
        return answer_once(user=user, key=key, fingerprint=fingerprint, run=run)
    if first.status_code == 0:
        wait = max(1, int((first.created_at + SLOT_TIMEOUT - timezone.now()).total_seconds()))
        return Answer(409, {"detail": "The first request with this Idempotency-Key is still being processed; "
                            f"retry in a few seconds. If it has not finished in {wait} s, nothing was stored "
                            "and a retry with the same key submits the demand."},
                      {"Retry-After": str(min(wait, 5))})  # fmt: skip
    return Answer(first.status_code, first.response, {"Idempotent-Replayed": "true"})
