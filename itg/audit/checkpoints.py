"""Signed checkpoints of the chain head, kept in file storage (S3 in production), outside the database.

Every few minutes (CELERY_BEAT_SCHEDULE) and on demand (`manage.py audit_checkpoint`) the head's
sequence number and hash are signed with the Ed25519 key from settings and written to storage under
``audit/checkpoints/YYYY/MM/DD/<seq>.json``. Someone able to rewrite the audit table cannot forge one,
so `audit_verify` finds a truncated or rewritten tail (NIST SP 800-53 AU-9(3), AU-10).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from itg.audit.actions import Action, Outcome
from itg.audit.chain import GENESIS_HASH, format_time
from itg.audit.models import AuditEvent
from itg.audit.services import record
from itg.audit.signing import checkpoint_signature_valid, load_private_key, load_public_key, sign_checkpoint

logger = logging.getLogger(__name__)
CHECKPOINT_DIR = "audit/checkpoints"
DEV_KEY_NAME = "audit-signing-key.pem"


class ChainBroken(Exception):
    """The chain no longer holds what the latest checkpoint signed: never sign over the damage."""


@lru_cache(maxsize=4)
def _parsed(raw: str) -> Ed25519PrivateKey:
    try:
        return load_private_key(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"AUDIT_SIGNING_KEY is not usable: {error}.") from None


def _development_key(path: Path) -> Ed25519PrivateKey:
    """Generate the development key once, race-free: write a private temporary file, then hard-link it
    into place; of several processes starting together exactly one link succeeds and all read it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        from itg.audit.signing import generate_private_pem

        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(generate_private_pem())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race: use its key
        finally:
            os.unlink(temporary)
    return load_private_key(path.read_bytes())


def signing_key() -> Ed25519PrivateKey:
    """The key from AUDIT_SIGNING_KEY; in development, one generated under the var directory."""
    if settings.AUDIT_SIGNING_KEY:
        return _parsed(settings.AUDIT_SIGNING_KEY)
    if settings.PRODUCTION:  # settings refuse to start without it; a second guard costs nothing
        raise ImproperlyConfigured("AUDIT_SIGNING_KEY must be set when DEBUG=False.")
    var_dir = Path(getattr(settings, "ITG_VAR_DIR", settings.VAR_DIR))
    return _development_key(var_dir / DEV_KEY_NAME)


def _latest_name(directory: str, depth: int) -> str | None:
    """Walk year/month/day folders newest first; names sort by time and seq (zero-padded)."""
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return None
    if depth == 0:
        names = sorted(name for name in files if name.endswith(".json"))
        return f"{directory}/{names[-1]}" if names else None
    for folder in sorted(folders, reverse=True):
        found = _latest_name(f"{directory}/{folder}", depth - 1)
        if found:
            return found
    return None


def latest_checkpoint() -> tuple[str, dict] | None:
    """The newest checkpoint in storage, as (storage name, document), or None when there is none yet."""
    name = _latest_name(CHECKPOINT_DIR, depth=3)
    if name is None:
        return None
    with default_storage.open(name, "rb") as handle:
        return name, json.loads(handle.read())


def checkpoint_is_genuine(doc: dict) -> bool:
    """Signed by the current key, or by an earlier one listed in AUDIT_PREVIOUS_PUBLIC_KEYS."""
    keys = [signing_key().public_key()]
    for text in settings.AUDIT_PREVIOUS_PUBLIC_KEYS:
        try:
            keys.append(load_public_key(text))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"AUDIT_PREVIOUS_PUBLIC_KEYS holds an unusable key: {error}."
            ) from None
    return any(checkpoint_signature_valid(doc, key) for key in keys)


def _check_against_previous(seq: int, head_hash: str) -> None:
    previous = latest_checkpoint()
    if previous is None:
        return
    name, doc = previous
    if not checkpoint_is_genuine(doc):
        raise ChainBroken(f"the latest checkpoint {name} has no valid signature")
    if doc["seq"] > seq:
        raise ChainBroken(f"the chain ends at event {seq} but checkpoint {name} covers {doc['seq']}")
    if doc["seq"] and AuditEvent.objects.filter(seq=doc["seq"], hash=doc["hash"]).count() != 1:
        raise ChainBroken(f"event {doc['seq']} no longer has the hash signed in {name}")


def checkpoint_write(*, by=None) -> tuple[str, dict]:
    """Sign the committed head and store it, then record `audit.checkpoint` (the chain notes each one).

    Refuses (ChainBroken) when the chain no longer matches the previous checkpoint, so that a truncated
    tail cannot be laundered by the next scheduled checkpoint. Safe to run twice: it just signs again.
    """
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first() or (0, GENESIS_HASH)
    try:
        _check_against_previous(*head)
    except ChainBroken as error:
        # Loud, and in the trail itself: every scheduled run says so until someone investigates.
        logger.error("Audit checkpoint refused: %s", error)
        record(action=Action.AUDIT_CHECKPOINT, by=by, outcome=Outcome.FAILED, object_type="audit.checkpoint",
               object_id=str(head[0]), reason=f"refused: {error}"[:500])  # fmt: skip
        raise
    now = timezone.now()
    doc = sign_checkpoint(signing_key(), seq=head[0], head_hash=head[1], at=format_time(now))
    name = f"{CHECKPOINT_DIR}/{now:%Y/%m/%d}/{head[0]:012d}-{now:%H%M%S%f}.json"
    name = default_storage.save(name, ContentFile(json.dumps(doc, indent=2).encode()))
    record(
        action=Action.AUDIT_CHECKPOINT,
        by=by,
        object_type="audit.checkpoint",
        object_id=str(head[0]),
        label=name,
        reason=f"signed head event {head[0]} ({head[1][:16]}…) with key {doc['key_id']}",
        changes={"checkpoint_seq": [None, head[0]], "checkpoint_hash": [None, head[1]]},
    )
    return name, doc
