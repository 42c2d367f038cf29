"""The set-based PostgreSQL writer for FTC Do Not Call files (the highest-volume public source).

Per chunk: the parsed fields go by one COPY (CSV format) into a temporary staging table (temporary
tables are unlogged and private to the session, so a killed worker leaves nothing behind); one SELECT
normalises and validates every row into a second temporary table, in the order and with the words of
`sources.parse_ftc`; rejects and new records are then written by two INSERT ... SELECT statements, the
records with ON CONFLICT DO NOTHING against the (dedupe_key, call_at) unique index, so a redelivered row
costs one index probe. `phonenumbers` is called only for the distinct numbers the NANP rule cannot
classify (numbers.py). `tests/test_calls_pg.py` runs the same dirty file through this and the Python
writer and compares every field of every row and every reject.
"""

from __future__ import annotations

import csv
import io

from django.db import connection

from itg.calendar import JURISDICTIONS

from . import partitions
from .numbers import area_code_states, other_e164
from .sources import EASTERN, FTC_COLUMNS, Declaration

_F = [f"f{i}" for i in range(1, 9)]
_T = "E' \\t\\r\\n'"
_DATE_RE = "'^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?$'"
_STATES = "ARRAY[" + ",".join(f"'{s}'" for s in sorted(JURISDICTIONS)) + "]"

_SETUP = [
    "CREATE TEMP TABLE IF NOT EXISTS calls_stage (line bigint, problem text, raw text, "
    + ", ".join(f"{f} text" for f in _F) + ") ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE IF NOT EXISTS calls_numbers (raw text PRIMARY KEY, e164 text) ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE IF NOT EXISTS calls_area_states (area text PRIMARY KEY, state text)",
]  # fmt: skip


def _valid_sql(m: str, with_time: bool) -> str:
    """A regexp_match result `m` (text[]) that is a real calendar date (and time), in SQL that never
    raises: CASE keeps make_date away from a month 13 or a year 0."""
    date_ok = (
        f"CASE WHEN {m} IS NULL THEN false WHEN {m}[1]::int < 1 OR {m}[2]::int NOT BETWEEN 1 AND 12 THEN false "
        f"ELSE {m}[3]::int BETWEEN 1 AND extract(day FROM make_date({m}[1]::int, {m}[2]::int, 1) "
        "+ interval '1 month - 1 day')::int END"
    )
    time_ok = (
        f"({m}[4] IS NULL OR ({m}[4]::int <= 23 AND {m}[5]::int <= 59 AND coalesce({m}[6], '0')::int <= 59))"
    )
    return f"({date_ok} AND {time_ok})" if with_time else date_ok


def _raw_sql() -> str:
    """The row as Python's csv.writer (QUOTE_MINIMAL) writes it, for the rejects."""
    quoted = [
        f"CASE WHEN {f} ~ '[\",\\r\\n]' THEN '\"' || replace({f}, '\"', '\"\"') || '\"' ELSE {f} END"
        for f in _F
    ]
    return "concat_ws(',', " + ", ".join(quoted) + ")"


_NORMALISE = f"""
CREATE TEMP TABLE calls_norm ON COMMIT DROP AS
WITH s AS (
  SELECT line, problem, raw, {", ".join(_F)},
    btrim(f1, {_T}) AS num, btrim(f3, {_T}) AS vd, btrim(f2, {_T}) AS cd,
    upper(btrim(f5, {_T})) AS st, btrim(f6, {_T}) AS area, upper(btrim(f8, {_T})) AS flag
  FROM calls_stage
), n AS (
  SELECT s.*, regexp_replace(num, '[^0-9]', '', 'g') AS digits,
    regexp_match(vd, {_DATE_RE}) AS vm, regexp_match(cd, {_DATE_RE}) AS cm
  FROM s
), e AS (
  SELECT n.*, CASE
      WHEN left(num, 1) <> '+' AND digits ~ '^[2-9][0-9]{{2}}[2-9][0-9]{{6}}$' THEN '+1' || digits
      WHEN digits ~ '^1[2-9][0-9]{{2}}[2-9][0-9]{{6}}$' THEN '+' || digits
      ELSE (SELECT e164 FROM calls_numbers WHERE calls_numbers.raw = n.num) END AS e164
  FROM n
)
SELECT line, raw, {", ".join(_F)}, e164, num, st, area, flag, vm,
  CASE
    WHEN problem <> '' THEN problem
    WHEN num = '' THEN 'Company_Phone_Number is blank.'
    WHEN e164 IS NULL THEN 'Company_Phone_Number ''' || num || ''' is not a valid phone number.'
    WHEN vd = '' THEN 'Violation_Date is blank.'
    WHEN NOT {_valid_sql("vm", True)} THEN
      'Violation_Date ''' || vd || ''' is not a date and time (expected e.g. 2026-03-05 00:03:04).'
    WHEN cd <> '' AND NOT {_valid_sql("cm", True)} THEN
      'Created_Date ''' || cd || ''' is not a date and time (expected e.g. 2026-03-05 00:03:04).'
    WHEN st <> '' AND NOT st = ANY({_STATES}) THEN
      'Consumer_State ''' || btrim(f5, {_T}) || ''' is not a US state or territory code.'
    WHEN area <> '' AND area !~ '^[2-9][0-9][0-9]$' THEN
      'Consumer_Area_Code ''' || area || ''' is not a three-digit area code.'
    WHEN flag NOT IN ('Y', 'N', '') THEN
      'Recorded_Message_Or_Robocall ''' || btrim(f8, {_T}) || ''' is not Y or N.'
  END AS reason
FROM e
"""

_TIME = (
    "(make_timestamp(vm[1]::int, vm[2]::int, vm[3]::int, coalesce(vm[4], '0')::int, coalesce(vm[5], '0')::int, "
    f"coalesce(vm[6], '0')::double precision) AT TIME ZONE '{EASTERN}')"
)

_INSERT_RECORDS = f"""
INSERT INTO calls_callrecord (source, source_record_id, job_id, call_at, call_tz, date_only, calling_number,
  calling_number_raw, called_number, called_number_raw, consumer_city, consumer_state, consumer_zip,
  consumer_area_code, called_state, subject, robocall, transcript, recording, passport, attest, orig_tn, dest_tn,
  origid, x5u, verification, from_provider, to_provider, dedupe_key, ingested_at)
SELECT %(source)s, '', %(job)s, {_TIME}, '{EASTERN}', vm[4] IS NULL, e164, left(num, 40), '', '',
  left(btrim(f4, {_T}), 100), st, '', calls_norm.area, CASE WHEN st <> '' THEN st ELSE coalesce(a.state, '') END,
  left(btrim(f7, {_T}), 200), CASE flag WHEN 'Y' THEN true WHEN 'N' THEN false END, '', '', '', '', '', '', '',
  '', '', '', '', md5(concat_ws(chr(31), %(source)s, {", ".join(_F)})), %(now)s
FROM calls_norm LEFT JOIN calls_area_states a ON a.area = calls_norm.area
WHERE reason IS NULL
ON CONFLICT (dedupe_key, call_at) DO NOTHING
"""


def _setup(cursor) -> None:
    for sql in _SETUP:
        cursor.execute(sql)
    cursor.execute("SELECT count(*) FROM calls_area_states")
    if not cursor.fetchone()[0]:
        with cursor.copy("COPY calls_area_states (area, state) FROM STDIN") as copy:
            for area, state in area_code_states().items():
                copy.write_row((area, state))


def _copy_chunk(cursor, chunk) -> None:
    buffer = io.StringIO()
    write = csv.writer(buffer, lineterminator="\n").writerow
    width = len(FTC_COLUMNS)
    for item in chunk:
        if item.problem:
            write((item.line, item.problem, item.raw, *[""] * width))
        else:
            write((item.line, "", "", *item.fields))
    cols = ", ".join(["problem", "raw", *_F])
    with cursor.copy(f"COPY calls_stage (line, problem, raw, {', '.join(_F)}) FROM STDIN "
                     f"(FORMAT csv, FORCE_NOT_NULL ({cols}))") as copy:  # fmt: skip
        copy.write(buffer.getvalue())


def _classify_other_numbers(cursor) -> None:
    """phonenumbers for the distinct numbers the NANP rule leaves (non-US, malformed, other scripts' digits):
    few per file."""
    cursor.execute(
        f"SELECT DISTINCT btrim(f1, {_T}) FROM calls_stage WHERE problem = '' AND btrim(f1, {_T}) <> '' AND NOT ("
        f"(left(btrim(f1, {_T}), 1) <> '+' AND regexp_replace(f1, '[^0-9]', '', 'g') ~ '^[2-9][0-9]{{2}}[2-9][0-9]{{6}}$')"
        f" OR regexp_replace(f1, '[^0-9]', '', 'g') ~ '^1[2-9][0-9]{{2}}[2-9][0-9]{{6}}$')"
    )  # fmt: skip
    raws = [row[0] for row in cursor.fetchall()]
    if raws:
        with cursor.copy("COPY calls_numbers (raw, e164) FROM STDIN") as copy:
            for raw in raws:
                copy.write_row((raw, other_e164(raw)))


def sql_write(job, decl: Declaration, chunk, files) -> tuple[int, int, int]:
    """Write one chunk set-based; runs inside the pipeline's per-chunk transaction."""
    from django.utils import timezone

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor, for COPY
        _setup(cursor)
        cursor.execute("TRUNCATE calls_stage, calls_numbers")  # inside one outer transaction (tests) too
        _copy_chunk(cursor, chunk)
        _classify_other_numbers(cursor)
        cursor.execute(_NORMALISE)
        cursor.execute(f"SELECT DISTINCT date_trunc('month', {_TIME}) FROM calls_norm WHERE reason IS NULL")
        partitions.ensure_months_for([row[0] for row in cursor.fetchall()])
        cursor.execute(
            "INSERT INTO calls_importreject (job_id, line, reason, raw) "
            f"SELECT %s, line, left(reason, 300), CASE WHEN raw <> '' THEN raw ELSE {_raw_sql()} END "
            "FROM calls_norm WHERE reason IS NOT NULL ON CONFLICT DO NOTHING",
            [job.pk],
        )
        cursor.execute(
            "SELECT count(*) FILTER (WHERE reason IS NULL), count(*) FILTER (WHERE reason IS NOT NULL) FROM calls_norm"
        )
        valid, rejected = cursor.fetchone()
        cursor.execute(_INSERT_RECORDS, {"source": decl.source, "job": job.pk, "now": timezone.now()})
        created = cursor.rowcount
        cursor.execute("DROP TABLE calls_norm")
    return created, valid - created, rejected
