"""The PostgreSQL side of the call store: the set-based path gives exactly what the Python path gives,
and the monthly partitions prune."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from tests.calls_helpers import FTC_DIRTY_ROWS, csv_bytes, ftc_bytes, import_file
from tracebacks.calls import partitions
from tracebacks.calls.models import CallRecord, ImportReject
from tracebacks.calls.sources import FTC_COLUMNS

DIRTIER = FTC_DIRTY_ROWS + [
    [" 2025550143 ", "", "2026-11-01 01:30:00", " Austin ", "TX", "512", "Other ", "Y"],  # the repeated hour
    ["2025550143", "", "2026-03-08 02:30:00", "Austin", "TX", "512", "Other", "Y"],  # the skipped hour
    ["011 44 20 7946 0958", "", "2026-03-05T10:00", "Leeds", "", "", "Other", "N"],
    ["+1 (604) 555-0123", "", "2026-03-05 10:00:00", "Vancouver", "", "604", "Other", "N"],  # Canada
    ["٢٠٢٥٥٥٠١٤٣", "", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "N"],  # other script's digits
    ["+2025550143", "", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "N"],
    ["1025550143", "", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "N"],  # area code 102
    ["2025550143", "", "0000-03-05 10:00:00", "Austin", "TX", "512", "Other", "N"],
    ["2025550143", "", "2026-13-05 10:00:00", "Austin", "TX", "512", "Other", "N"],
    ["2025550143", "2026-03-05 24:00:00", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "N"],
    ["2025550143", "", "2024-02-29 23:59:59", 'Say "hi", friend', "TX", "512", "Other", "N"],
    ["2025550143", "", "2026-03-05 10:00:00", "Austin", "TX", "12", 'Bad, "quoted"', "N"],
    ["2025550143", "", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "N", "extra"],
    ["2025550143", "", "2026-03-05 10:00:00", "Austin", "T", "512", "Other"],
    ["2025550143", "", "2026-03-05 10:00:00", "Austin", "", "907", "x" * 250, "N"],  # state from area code
    ["abc", "", "2026-03-05 10:00:00", "Austin", "", "907", "Other", "N"],
    ["2025550143", "", "", "Austin", "", "907", "Other", "N"],
    # out of the portal's date bounds: rejected (year 9999 overflowed the conversion to UTC), the edges kept
    ["2025550143", "", "9999-12-31 23:59:59", "Austin", "TX", "512", "Other", "Y"],
    ["2025550143", "9999-12-31 23:59:59", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "Y"],
    ["2025550143", "", "1899-12-31", "Austin", "TX", "512", "Other", "Y"],
    ["2025550143", "", "2199-12-31 23:59:59", "Austin", "TX", "512", "Other", "Y"],  # 2200-01 in UTC
    ["2025550143", "1900-01-01", "1900-01-01 00:00:00", "Austin", "TX", "512", "Other", "Y"],
]  # fmt: skip


@pytest.fixture(autouse=True)
def _forget_partitions():
    """The partition cache holds what committed transactions created; a test's are rolled back, and an
    earlier test that ran its on_commit callbacks may have filled it."""
    partitions._known.clear()
    yield
    partitions._known.clear()


FIELDS = [f.name for f in CallRecord._meta.fields if f.name not in {"id", "job", "ingested_at", "call_group"}]


def _stored():
    records = sorted(tuple(str(v) for v in row) for row in CallRecord.objects.values_list(*FIELDS))
    rejects = sorted(ImportReject.objects.values_list("line", "reason", "raw"))
    return records, rejects


def test_sql_path_gives_exactly_the_python_paths_rows(postgres, tmp_path, settings):
    data = ftc_bytes(DIRTIER)
    settings.CALL_IMPORT_SQL_MIN_BYTES = 10**12
    python_job = import_file(tmp_path, "ftc-dnc", data)
    by_python = _stored()
    CallRecord.objects.all().delete()
    ImportReject.objects.all().delete()
    settings.CALL_IMPORT_SQL_MIN_BYTES = 0
    sql_job = import_file(tmp_path, "ftc-dnc", data, name="again.csv")
    by_sql = _stored()
    assert by_sql == by_python
    assert (sql_job.created, sql_job.duplicates, sql_job.rejected) == (
        python_job.created, python_job.duplicates, python_job.rejected)  # fmt: skip
    assert python_job.created >= 12 and python_job.rejected >= 12
    assert [reason for _line, reason, _raw in by_sql[1] if "out of range" in reason] == [
        "Violation_Date '9999-12-31 23:59:59' is out of range: a call date must be from 1900-01-01 to 2199-12-31; correct the year.",
        "Created_Date '9999-12-31 23:59:59' is out of range: a call date must be from 1900-01-01 to 2199-12-31; correct the year.",
        "Violation_Date '1899-12-31' is out of range: a call date must be from 1900-01-01 to 2199-12-31; correct the year.",
    ]  # fmt: skip
    assert {r[FIELDS.index("call_at")][:4] for r in by_sql[0]} >= {"1900", "2200"}  # the bounds' edges kept
    again = import_file(tmp_path, "ftc-dnc", data, name="third.csv")
    assert (again.created, again.duplicates) == (0, python_job.created + python_job.duplicates)


def _both_paths(tmp_path, settings, data: bytes, *, chunk_rows: int = 50_000):
    settings.CALL_IMPORT_CHUNK_ROWS = chunk_rows
    settings.CALL_IMPORT_SQL_MIN_BYTES = 10**12
    python_job = import_file(tmp_path, "ftc-dnc", data)
    by_python = _stored()
    CallRecord.objects.all().delete()
    ImportReject.objects.all().delete()
    settings.CALL_IMPORT_SQL_MIN_BYTES = 0
    sql_job = import_file(tmp_path, "ftc-dnc", data, name="again.csv")
    assert _stored() == by_python
    counts = ("rows_read", "created", "duplicates", "rejected", "lines_done", "chunks_done")
    assert [getattr(sql_job, c) for c in counts] == [getattr(python_job, c) for c in counts]
    return sql_job, by_python


def test_the_sql_paths_reader_cuts_and_refuses_rows_as_the_python_reader(postgres, tmp_path, settings):
    """What the CSV reader decides before any field is looked at: a byte-order mark, blank lines (not
    rows), a quoted field over two lines (the record's line is its last), Latin-1 bytes, a field past the
    1 MB limit (unreadable), a row short of a field, valid UTF-8 beyond ASCII; chunks of 3 rows."""
    rows = ftc_bytes(FTC_DIRTY_ROWS[:3]).decode().split("\r\n", 1)[1]
    data = (
        "\ufeff"
        + ",".join(FTC_COLUMNS)
        + "\r\n"
        + rows
        + "\r\n\r\n"
        + '2025550171,,2026-03-05 10:00:00,"Two\r\nlines",TX,512,Other,Y\r\n'
        + "2025550172,,2026-03-05 10:00:00,San José,CA,408,Other,N\r\n"
        + "2025550173,,2026-03-05 10:00:00,Austin,TX,512,Other\r\n"
        + '2025550174,,2026-03-05 10:00:00,Austin,TX,512,"'
        + "x" * (1024 * 1024 + 1)
        + '",Y\r\n'
        + "2025550175,,2026-03-05 10:00:00,Austin,TX,512,Other,Y\r\n"
    ).encode() + "2025550177,,2026-03-05 10:00:00,Bogotá,FL,305,Other,Y\r\n".encode("latin-1")
    job, (records, rejects) = _both_paths(tmp_path, settings, data, chunk_rows=3)
    assert (job.rows_read, job.chunks_done) == (9, 3)
    assert [(line, reason.split(" (")[0]) for line, reason, _raw in rejects] == [
        (4, "Company_Phone_Number is blank."), (10, "Expected 8 fields, found 7"),
        (11, "Not a readable CSV row"), (13, "The row has bytes that are not UTF-8"),
    ]  # fmt: skip
    assert {"Two\r\nlines", "San José"} <= {r[FIELDS.index("consumer_city")] for r in records}


def test_a_file_with_its_columns_in_another_order_is_read_by_name(postgres, tmp_path, settings):
    """The set-based writer reads fields by position: another order goes through the Python writer."""
    order = [4, 0, 1, 2, 3, 5, 6, 7]
    data = csv_bytes([FTC_COLUMNS[i] for i in order], [[row[i] for i in order] for row in FTC_DIRTY_ROWS])
    job, (records, _rejects) = _both_paths(tmp_path, settings, data)
    assert (job.created, job.duplicates, job.rejected) == (5, 1, 6)
    assert "+12025550143" in {r[FIELDS.index("calling_number")] for r in records}


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_query_by_number_within_one_month_scans_one_partition(postgres):
    for month in (date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)):
        partitions.ensure_month(month)
    plan = _plan(
        "SELECT id FROM calls_callrecord WHERE calling_number = %s AND call_at >= %s AND call_at < %s",
        ["+12025550143", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)],
    )
    scanned = {name for name in partitions.existing() if name in plan}
    assert scanned == {"calls_callrecord_p202603"}, plan


def test_a_month_created_late_takes_its_rows_out_of_default(postgres):
    at = datetime(2031, 7, 4, 12, tzinfo=UTC)
    CallRecord.objects.create(source="other", call_at=at, calling_number="+12025550143", dedupe_key="late")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM calls_callrecord_default")
        assert cursor.fetchone()[0] == 1
    assert partitions.ensure_month(date(2031, 7, 1)) is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text, count(*) FROM calls_callrecord GROUP BY 1")
        assert dict(cursor.fetchall()) == {"calls_callrecord_p203107": 1}
    assert partitions.detach_before(date(2031, 8, 1)) == sorted(
        n for n in ["calls_callrecord_p203107", *partitions.existing()] if n.startswith("calls_callrecord_p")
        and n < "calls_callrecord_p203108")  # fmt: skip
    assert not CallRecord.objects.filter(dedupe_key="late").exists()  # detached, kept as its own table


@pytest.mark.parametrize("months", [2])
def test_partitions_are_created_ahead(postgres, months):
    created = partitions.create_ahead(months=months, today=date(2040, 1, 15))
    assert created == ["calls_callrecord_p204001", "calls_callrecord_p204002", "calls_callrecord_p204003"]
    assert partitions.create_ahead(months=months, today=date(2040, 1, 15)) == []


LINKED = [
    ["2025550143", "", "2026-03-05 10:00:00", "Austin", "TX", "512", "Other", "Y"],  # A: joins the honeypot row
    ["2025550143", "", "2026-03-05 10:03:00", "Round Rock", "TX", "512", "Other", "Y"],  # B: A's call
    ["2025550143", "", "2026-03-05 10:07:00", "Pflugerville", "TX", "512", "Other", "Y"],  # C: through B
    ["2025550143", "", "2026-03-05 10:30:00", "Austin", "TX", "512", "Other", "Y"],  # 30 minutes on: its own
    ["2025550143", "", "2026-03-05 10:02:00", "Dallas", "TX", "214", "Other", "Y"],  # another area: its own
    ["2025550143", "", "2026-03-05", "Austin", "TX", "512", "Other", "Y"],  # date only: its own
    ["2025550199", "", "2026-03-05 10:01:00", "Austin", "TX", "512", "Other", "Y"],  # another caller
]  # fmt: skip


def _groups() -> set[frozenset[str]]:
    """The observations as a partition: which rows (by city and time, or source) are one call."""
    rows = list(CallRecord.objects.values_list("id", "call_group", "source", "consumer_city", "call_at"))
    by_group: dict[int, set[str]] = {}
    for _pk, group, source, city, at in rows:
        by_group.setdefault(group, set()).add(f"{source}:{city}:{at:%H%M}")
    return {frozenset(members) for members in by_group.values()}


def _honeypot_row() -> CallRecord:
    """A honeypot's answer of the same call a minute later, stored before the FTC file arrives."""
    row = CallRecord.objects.create(
        source="honeypot", call_at=datetime(2026, 3, 5, 15, 1, tzinfo=UTC), calling_number="+12025550143",
        called_number="+15125550100", called_state="TX", dedupe_key="honeypot-1",
    )  # fmt: skip
    CallRecord.objects.filter(pk=row.pk).update(call_group=row.pk)
    return row


def test_sql_path_links_observations_as_the_python_path_does(postgres, tmp_path, settings):
    """Across sources and across chunks (2 rows a chunk): the same calls, linked the same way."""
    data = ftc_bytes(LINKED)
    settings.CALL_IMPORT_SQL_MIN_BYTES = 10**12
    _honeypot_row()
    import_file(tmp_path, "ftc-dnc", data)
    by_python = _groups()
    CallRecord.objects.all().delete()
    settings.CALL_IMPORT_SQL_MIN_BYTES, settings.CALL_IMPORT_CHUNK_ROWS = 0, 2
    honeypot = _honeypot_row()
    import_file(tmp_path, "ftc-dnc", data, name="again.csv")
    assert _groups() == by_python
    assert frozenset({"honeypot::1501", "ftc_dnc:Austin:1500", "ftc_dnc:Round Rock:1503",
                      "ftc_dnc:Pflugerville:1507"}) in by_python  # fmt: skip
    assert len(by_python) == 5  # the call above, 10:30, Dallas, the date-only row, the other caller
    assert set(
        CallRecord.objects.filter(consumer_city="Pflugerville").values_list("call_group", flat=True)
    ) == {honeypot.pk}


DATES = [
    "2026-03-05", "2026-03-05 00:03:04", "2026-03-05T10:00", "2026-03-05 10:00", "2026-03-05T23:59:59",
    "2024-02-29 12:00:00", "2023-02-29 12:00:00", "2000-02-29", "1900-02-29", "2100-02-29", "2400-02-29",
    "2026-02-28", "2026-01-31", "2026-04-31", "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-31",
    "2026-10-31", "2026-11-31", "2026-12-31", "2026-12-32", "2026-00-10", "2026-13-01", "2026-03-00",
    "0000-03-05", "0001-01-01", "2026-03-05 24:00:00", "2026-03-05 23:60", "2026-03-05 10:00:60",
    "2026-3-05", "2026-03-05 10", "2026-03-05 10:00:0", "2026/03/05", "20260305", "2026-03-05x", "",
    "2026-03-05 1O:00", "٢٠٢٦-03-05", "2026-03-05  10:00", "2026-03-05 10:00:00Z", "9999-12-30 23:59:59",
    # the bounds of every date in the portal (itg.params): 1900-01-01 to 2199-12-31, as written
    "9999-12-31 23:59:59", "9999-12-31", "1899-12-31 23:59:59", "1900-01-01 00:00:00", "2199-12-31 23:59:59",
    "2199-07-04T12:00", "2200-01-01", "0999-06-15 10:00",
]  # fmt: skip


def test_the_sql_date_rule_is_the_python_rule(postgres):
    """Every shape and calendar edge (leap years, each month's last day, 24:00, :60) and the date bounds
    (year 9999 would overflow the conversion to UTC) decided as sources.iso_local decides them, and a
    valid value read as the same moment (2199's summer time too)."""
    from tracebacks.calls.numbers import local_to_utc
    from tracebacks.calls.pgcopy import _TIME, _in_range_sql, _valid_sql
    from tracebacks.calls.sources import EASTERN, RowError, iso_local

    expected = {}
    for value in DATES:
        try:
            parsed = iso_local(value, "Violation_Date")
        except RowError:
            parsed = None
        expected[value] = (local_to_utc(parsed[0], EASTERN), len(value) == 10) if parsed else None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT vd, CASE WHEN {_valid_sql('vd')} AND {_in_range_sql('vd')} THEN {_TIME} END, "  # noqa: S608 - module constants
            "length(vd) = 10 "
            "FROM unnest(%s::text[]) AS vd",
            [[v for v in DATES if v]],
        )
        found = {vd: (at, date_only) if at else None for vd, at, date_only in cursor.fetchall()}
    del expected[""]
    assert found == expected
    # 17 valid shapes before the bounds; 2400-02-29, 0001-01-01 and 9999-12-30 fall outside, three inside
    assert sum(v is not None for v in found.values()) == 17
    assert found["2199-07-04T12:00"][0] == datetime(2199, 7, 4, 16, 0, tzinfo=UTC)  # EDT, as today
    assert found["1900-01-01 00:00:00"][0] == datetime(1900, 1, 1, 5, 0, tzinfo=UTC)


def test_imports_of_one_source_write_a_chunk_at_a_time(postgres, tmp_path, settings, monkeypatch):
    """While a chunk is being written no other import of its source may write (its new rows must stay
    new until it commits); an import of another source may."""
    import psycopg

    from tracebacks.calls import pgcopy

    db, held, write = connection.settings_dict, [], pgcopy.sql_write

    def watched_write(*args):
        with psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"],
                             password=db["PASSWORD"] or None, autocommit=True) as other:  # fmt: skip
            for source in ("ftc_dnc", "fcc_complaint"):
                key = f"calls_callrecord:{source}"
                held.append(
                    not other.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [key]).fetchone()[0]
                )
        return write(*args)

    monkeypatch.setattr(pgcopy, "sql_write", watched_write)
    settings.CALL_IMPORT_SQL_MIN_BYTES = 0
    job = import_file(tmp_path, "ftc-dnc", ftc_bytes())
    assert held == [True, False]
    assert (job.created, job.duplicates, job.rejected) == (5, 1, 6)
