"""Verifying the stored chain against itself and the latest signed checkpoint (`manage.py audit_verify`).

The checking is `itg.audit.verify.check_chain`, the same code that verifies exported files; this module
only streams the rows. It must cope with tens of millions of events in bounded memory and at hundreds
of thousands of events a second, so on PostgreSQL it reads plain tuples through a server-side cursor
and lets the server format the time and the JSON; elsewhere (SQLite) it uses the ORM's chunked iterator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from itg.audit.chain import ROW_FIELDS, encode_changes
from itg.audit.checkpoints import checkpoint_is_genuine, latest_checkpoint
from itg.audit.models import AuditEvent
from itg.audit.verify import Report, check_chain, check_checkpoint

CHUNK = 20_000

# The columns in ROW_FIELDS order; the time as the canonical UTC text, the JSON as text, the address
# as PostgreSQL's own normal form (what `record()` hashed, see services._clean_ip).
_PG_SELECT = f"""
SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'), actor_id, actor_email,
       actor_role, actor_office, actor_state, action, object_type, object_id, object_label, object_state,
       outcome, reason, host(ip), user_agent, request_id, changes::text, prev_hash, hash
FROM {AuditEvent._meta.db_table} ORDER BY seq
"""  # noqa: S608 - a constant table name, no input


def _pg_rows(chunk: int) -> Iterator[tuple]:
    with transaction.atomic(), connection.connection.cursor(name="audit_verify") as cursor:
        cursor.itersize = chunk
        cursor.execute(_PG_SELECT)
        for row in cursor:
            text = row[17]
            # jsonb prints '{"a": 1}'; the hash was taken over the compact, key-sorted form.
            changes = "{}" if text == "{}" else encode_changes(json.loads(text))
            yield (*row[:17], changes, row[18], row[19])


def _orm_rows(chunk: int) -> Iterator[tuple]:
    from itg.audit.chain import CHANGES

    rows = AuditEvent.objects.order_by("seq").values_list(*ROW_FIELDS).iterator(chunk_size=chunk)
    for row in rows:
        yield (*row[:CHANGES], encode_changes(row[CHANGES]), *row[CHANGES + 1 :])


def chain_rows(chunk: int = CHUNK) -> Iterator[tuple]:
    """Every event in seq order as ROW_FIELDS tuples, `changes` already as canonical JSON text."""
    connection.ensure_connection()
    return _pg_rows(chunk) if connection.vendor == "postgresql" else _orm_rows(chunk)


@dataclass
class Verification:
    report: Report
    checkpoint_name: str | None
    checkpoint: dict | None

    def summary(self) -> str:
        if not self.report.ok:
            return str(self.report.problem)
        text = f"OK {self.report.count} events"
        if self.checkpoint is None:
            return text + " (no signed checkpoint yet: a truncated tail cannot be detected)"
        cp = self.checkpoint
        return text + f" (checkpoint at event {cp['seq']}, signed {cp['at']}, key {cp['key_id']}: matches)"


def chain_verify(chunk: int = CHUNK) -> Verification:
    """Walk the whole chain, then hold it to the latest checkpoint (read first: appends during the walk
    are after it and change nothing)."""
    latest = latest_checkpoint()
    name, checkpoint = latest if latest else (None, None)
    watch = checkpoint["seq"] if checkpoint else None
    report = check_chain(chain_rows(chunk), watch_seq=watch, changes_encoded=True)
    if report.ok and checkpoint is not None:
        report.problem = check_checkpoint(report, checkpoint, checkpoint_is_genuine(checkpoint))
    return Verification(report, name, checkpoint)
