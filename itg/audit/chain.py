"""The hash chain: the canonical form of an event and its SHA-256.

Shared by the writer, `audit_verify` and the standalone verifier of exported files, so all three agree
byte for byte on what was hashed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64

# The fields covered by an event's hash, in the order they are exported.
HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor_email", "actor_role", "actor_office", "actor_state", "action",
    "object_type", "object_id", "object_label", "object_state", "outcome", "reason", "ip", "user_agent",
    "request_id", "changes", "prev_hash",
)  # fmt: skip


def format_time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(values: dict) -> bytes:
    """Canonical JSON of the hashed fields: sorted keys, no spaces, UTF-8, times in UTC to the microsecond."""
    doc = {name: values[name] for name in HASHED_FIELDS}
    if isinstance(doc["at"], datetime):
        doc["at"] = format_time(doc["at"])
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def event_hash(values: dict) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()
