"""Writing the audit trail.

`record()` is called by services inside their own transaction: if the audit write fails, the action
it describes is rolled back with it (fail closed). Appends are serialized so that concurrent writers
never fork the chain: on PostgreSQL a transaction-scoped advisory lock is held from reading the chain
head until commit; SQLite serializes writers by itself.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from itg.audit import context
from itg.audit.actions import Action, Outcome
from itg.audit.chain import GENESIS_HASH, event_hash
from itg.audit.models import AuditEvent
from itg.calendar import JURISDICTIONS

# An arbitrary constant: the key of the one advisory lock that guards the chain head.
_CHAIN_LOCK_KEY = 0x17A0D17


# Two statements in one round trip (the simple query protocol): PostgreSQL runs them in order and, in
# READ COMMITTED, takes the head's snapshot only after the lock is granted, so it sees every append
# committed before ours.
_LOCK_AND_READ_HEAD = f"""
SELECT pg_advisory_xact_lock({_CHAIN_LOCK_KEY});
SELECT seq, hash FROM {AuditEvent._meta.db_table} ORDER BY seq DESC LIMIT 1
"""  # noqa: S608  # nosec B608 - the table name is the model's own constant, no input reaches it


def _lock_and_read_head() -> tuple[int, str] | None:
    """Serialize appends and read the chain head. SQLite serializes writers by itself."""
    if connection.vendor != "postgresql":
        return AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_AND_READ_HEAD)
        cursor.cursor.nextset()
        return cursor.fetchone()


def _actor_fields(by: Any, actor_email: str) -> dict:
    if by is None or not getattr(by, "is_authenticated", False):
        return {
            "actor_id": None,
            "actor_email": actor_email,
            "actor_role": "",
            "actor_office": "",
            "actor_state": "",
        }
    office = by.office if by.office_id else None
    return {
        "actor_id": by.pk,
        "actor_email": by.email,
        "actor_role": by.role,
        "actor_office": office.name if office else "",
        "actor_state": office.state if office else "",
    }


def _object_fields(
    obj: Model | None, object_type: str, object_id: str, label: str, object_state: str
) -> dict:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        label = label or str(obj)
        object_state = object_state or getattr(obj, "audit_state", "") or ""
    if object_state and object_state not in JURISDICTIONS:
        # Fail closed, on every database: the AG supervisors' access history is scoped by this column.
        raise ValueError(
            f"object_state must be a two-letter jurisdiction code, not {object_state!r}: "
            f"check `audit_state` on {type(obj).__name__ if obj is not None else object_type}."
        )
    return {
        "object_type": object_type,
        "object_id": object_id,
        "object_label": label[:300],
        "object_state": object_state,
    }


def _clean_ip(raw: str | None) -> str | None:
    """The address in one normal form (Python's), or None: stored as text exactly as it is hashed.

    A forged X-Forwarded-For of "unknown" must neither break the request nor reach the trail.
    """
    try:
        return str(ipaddress.ip_address((raw or "").strip())) if raw else None
    except ValueError:
        return None


def record(
    *,
    action: str,
    by: Any = None,
    obj: Model | None = None,
    outcome: str = Outcome.SUCCESS,
    reason: str = "",
    changes: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    label: str = "",
    object_state: str = "",
    actor_email: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction. Raises if it cannot be written.

    Call it as the last write of the service: on PostgreSQL the chain lock is held until the caller's
    transaction commits, so whatever runs after it in that transaction delays every other audited
    action on the site.
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}: add it to itg.audit.actions.Action.")
    ctx = context.current()
    values = {
        **_actor_fields(by, actor_email),
        **_object_fields(obj, object_type, object_id, label, object_state),
        "action": action,
        "outcome": outcome,
        "reason": reason[:500],
        "ip": _clean_ip(ctx.ip),
        "user_agent": ctx.user_agent,
        "request_id": ctx.request_id,
        "changes": json.loads(json.dumps(changes or {}, default=str)),  # as stored, so as hashed
    }
    # savepoint=False: inside the caller's transaction a failed append must fail the whole action (fail
    # closed), so a savepoint would only cost two round trips per audited request.
    with transaction.atomic(savepoint=False):
        head = _lock_and_read_head()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        values.update(seq=seq, at=timezone.now(), prev_hash=prev_hash)
        values["hash"] = event_hash(values)
        return AuditEvent.objects.create(**values)
