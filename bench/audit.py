"""Benchmark of the audit trail on PostgreSQL: append rate, verify rate over a million events, and the
time an audited request spends writing its event.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itg_audit .venv/bin/python bench/audit.py [--events N]

It creates a scratch database (bench_audit_<pid>), migrates it, and drops it at the end. Targets: verify
at least 200,000 events/s; record() under 2 ms per request.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")
os.environ.setdefault("ITG_VAR_DIR", tempfile.mkdtemp(prefix="itg-bench-"))

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from itg.audit.actions import Action  # noqa: E402
from itg.audit.chain import GENESIS_HASH, HASHED_FIELDS, encode_changes, format_time, row_hash  # noqa: E402
from itg.audit.integrity import chain_verify  # noqa: E402
from itg.audit.models import AuditEvent  # noqa: E402
from itg.audit.selectors import events_matching, keyset_page  # noqa: E402
from itg.audit.services import record  # noqa: E402

INDEX = importlib.import_module("itg.audit.migrations.0003_label_trigram_index").INDEX
SECONDARY = [index.name for index in AuditEvent._meta.indexes]
AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"
STATES = ["TX", "CA", "NY", "FL", "OH", "", "", ""]
ACTIONS = ["case.viewed", "case.viewed", "case.viewed", "auth.login", "case.updated", "case.view_denied"]


def synthetic(i: int, at: datetime) -> tuple:
    """Event i as a ROW tuple without prev_hash/hash: realistic widths, mostly empty changes."""
    state = STATES[i % len(STATES)]
    action = ACTIONS[i % len(ACTIONS)]
    changes = {"status": ["in_review", "in_progress"]} if action == "case.updated" else {}
    return (
        i, format_time(at), 1000 + i % 400, f"user{i % 400}@ag.{state.lower() or 'itg'}.example",
        "ag_staff" if state else "itg_staff", f"Office of the Attorney General of {state}" if state else "ITG",
        state, action, "cases.case", str(i % 50_000), f"Robocall campaign {i % 50_000} ({state or 'TX'})",
        state or "TX", "denied" if action.endswith("denied") else "success", "", f"10.{i % 250}.{i % 199}.7",
        AGENT, f"{i:032x}", changes,
    )  # fmt: skip


def bulk_load(n: int) -> float:
    """COPY n chained events (hashes computed here, as record() would) with the secondary indexes off."""
    started = time.perf_counter()
    columns = ", ".join((*HASHED_FIELDS, "hash"))
    base = datetime(2026, 1, 1, tzinfo=UTC)
    with connection.cursor() as cursor:
        for name in SECONDARY:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        cursor.execute("DROP INDEX IF EXISTS audit_label_trgm_idx")
    prev = GENESIS_HASH
    with (
        transaction.atomic(),
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy,
    ):
        for i in range(1, n + 1):
            at = base + timedelta(microseconds=i * 31_557_000)  # a year for 1M events
            row = synthetic(i, at)
            changes_json = encode_changes(row[17])
            digest = row_hash((*row[:17], changes_json, prev), changes_json)
            copy.write_row((*row[:17], json.dumps(row[17]), prev, digest))
            prev = digest
    with connection.cursor() as cursor:
        for index in AuditEvent._meta.indexes:
            cursor.execute(str(index.create_sql(AuditEvent, connection.schema_editor())))
        cursor.execute(INDEX)
        cursor.execute("ANALYZE audit_auditevent")
    return time.perf_counter() - started


def time_appends(n: int) -> tuple[float, list[float], list[float]]:
    """record() inside a request-like transaction: its own time, and with the commit."""
    inside, with_commit = [], []
    started = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        with transaction.atomic():
            t1 = time.perf_counter()
            record(action=Action.CASE_VIEWED, actor_email=f"bench{i}@itg.example", object_type="cases.case",
                   object_id=str(i), label=f"Robocall campaign {i}", object_state="TX")  # fmt: skip
            inside.append((time.perf_counter() - t1) * 1000)
        with_commit.append((time.perf_counter() - t0) * 1000)
    return n / (time.perf_counter() - started), inside, with_commit


def time_pages() -> None:
    """One keyset page (51 rows) per filter, on the loaded table: each should be milliseconds."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    cases = {
        "no filter": {},
        "action (rare)": {"action": "case.view_denied"},
        "matter's state": {"object_state": "CA"},
        "person": {"email": "user9@ag.ca.example"},
        "object": {"object_type": "cases.case", "object_id": "4242"},
        "outcome denied + state": {"outcome": "denied", "object_state": "CA"},
        "outcome + state, no match": {"outcome": "denied", "object_state": "NY"},
        "a day, months ago": {"since": base + timedelta(days=30), "until": base + timedelta(days=31)},
        "label contains": {"label": "campaign 4242 "},
    }
    for name, filters in cases.items():
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            page = keyset_page(events_matching(filters), before=None, after=None)
            older = (
                keyset_page(events_matching(filters), before=page.older, after=None) if page.older else None
            )
            timings.append((time.perf_counter() - started) * 1000 / (2 if older else 1))
        print(f"  page of {name:<24} {statistics.median(timings):8.2f} ms  ({len(page.events)} rows)")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events to bulk-load and verify")
    parser.add_argument("--appends", type=int, default=3_000, help="record() calls to time")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to PostgreSQL: this benchmark measures the production database.")
    original = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"bench_audit_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"Database: {connection.settings_dict['NAME']} (scratch, dropped at the end)")
        seconds = bulk_load(args.events)
        print(f"bulk load:      {args.events:,} chained events in {seconds:.1f} s (COPY, then indexes)")
        for workers in (1, 2):
            started = time.perf_counter()
            result = chain_verify(workers=workers)
            seconds = time.perf_counter() - started
            assert result.report.ok, result.summary()
            print(f"verify, {workers} proc:{result.report.count:>10,} events in {seconds:.2f} s = "
                  f"{result.report.count / seconds:,.0f} events/s (target >= 200,000)")  # fmt: skip
        rate, inside, with_commit = time_appends(args.appends)
        print(f"append:         {rate:,.0f} events/s through record(), one transaction each, on a "
              f"{args.events:,}-event table")  # fmt: skip
        print(f"record() write: median {statistics.median(inside):.3f} ms, p95 {p95(inside):.3f} ms "
              f"(target < 2 ms); with its commit: median {statistics.median(with_commit):.3f} ms, "
              f"p95 {p95(with_commit):.3f} ms")  # fmt: skip
        print("list pages (keyset, 50 rows), median of 5:")
        time_pages()
        assert chain_verify().report.ok
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
