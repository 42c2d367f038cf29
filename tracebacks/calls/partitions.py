"""Monthly partitions of the call table (PostgreSQL only; elsewhere every function is a no-op).

Partitions are named `calls_callrecord_pYYYYMM` and cover [first of month, first of next month) in UTC.
A beat task creates the coming months ahead; an import creates the months it meets before writing. Rows
for a month with no partition yet land in the DEFAULT partition, so no row is ever refused; creating that
month later moves them out of DEFAULT first (PostgreSQL refuses a new partition whose range the DEFAULT
partition already holds rows for). Old months can be detached (kept as plain tables, e.g. for archiving)
with `manage.py call_partitions --detach-before YYYY-MM`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from django.db import connection, transaction

PARENT = "calls_callrecord"


def _first(d: date) -> date:
    return date(d.year, d.month, 1)


def _next(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def name_for(month: date) -> str:
    return f"{PARENT}_p{month:%Y%m}"


def existing() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [PARENT],
        )
        return {row[0] for row in cursor.fetchall()}


_known: set[str] = set()


def ensure_month(month: date) -> bool:
    """Create the month's partition if missing; True when it was created."""
    month = _first(month)
    name = name_for(month)
    if connection.vendor != "postgresql" or name in _known:
        return False
    present = existing()
    # Cache only what is committed: a partition created in a transaction that rolls back is gone.
    transaction.on_commit(lambda: _known.update(present))
    if name in present:
        return False
    lo, hi = (
        datetime(month.year, month.month, 1, tzinfo=UTC),
        datetime.combine(_next(month), datetime.min.time(), UTC),
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Lock out concurrent creators (two import workers meeting the same new month).
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
        if name in existing():
            return False
        cursor.execute(
            f"SELECT 1 FROM {PARENT}_default WHERE call_at >= %s AND call_at < %s LIMIT 1",
            [lo, hi],
        )
        if cursor.fetchone():
            cursor.execute(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS)")
            cursor.execute(
                f"WITH moved AS (DELETE FROM {PARENT}_default WHERE call_at >= %s AND call_at < %s RETURNING *) "
                f"INSERT INTO {name} SELECT * FROM moved",
                [lo, hi],
            )
            cursor.execute(
                f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",
                [lo, hi],
            )
        else:
            cursor.execute(
                f"CREATE TABLE {name} PARTITION OF {PARENT} FOR VALUES FROM (%s) TO (%s)",
                [lo, hi],
            )
    transaction.on_commit(lambda: _known.add(name))
    return True


def ensure_months_for(moments: Iterable[datetime]) -> int:
    months = {_first(m.astimezone(UTC).date()) for m in moments}
    return sum(ensure_month(m) for m in sorted(months))


def create_ahead(months: int = 3, today: date | None = None) -> list[str]:
    """This month and the next `months`; returns the names created."""
    month, created = _first(today or datetime.now(UTC).date()), []
    for _ in range(months + 1):
        if ensure_month(month):
            created.append(name_for(month))
        month = _next(month)
    return created


def detach_before(month: date) -> list[str]:
    """Detach (never drop) every monthly partition that ends on or before `month`'s first day."""
    if connection.vendor != "postgresql":
        return []
    cutoff, detached = name_for(_first(month)), []
    for name in sorted(existing()):
        if name.startswith(f"{PARENT}_p") and name < cutoff:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {name}")
            detached.append(name)
            _known.discard(name)
    return detached
