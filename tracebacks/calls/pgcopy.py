"""The set-based PostgreSQL writer for FTC Do Not Call files (the highest-volume public source).

Per chunk (one transaction with the job's cursor, so a killed worker resumes after the last chunk):
1. COPY the fields, with each calling number's E.164 form, into a temporary staging table (temporary
   tables are unlogged and private to the session: a killed worker leaves nothing behind), read from the
   file by `copy_chunks` with no object per row.
2. One SELECT validates and normalises every row (dates, their bounds and zone, state, area code, flag, the
   dedupe key), in the order and with the words of `sources.parse_ftc`; the rejects go in by one INSERT.
3. The new rows: the first of each dedupe key, anti-joined against the (dedupe_key, call_at) index, with
   ids drawn in line order; a re-delivered row costs one index probe and nothing else.
4. Observations linked set-based before the write (`_NEAR`, `_LINK`): the stored rows of the same calling
   numbers within the window are fetched once, so no stored row is updated afterwards.
5. One INSERT ... SELECT into the partitioned table in call time order (each month's partition and
   its indexes take one run of rows). No ON CONFLICT arbiter (it cost a quarter of the INSERT): the
   pipeline lets one import of a source write at a time (`pipeline._one_writer_per_source`), so no row
   of calls_new can have been stored since step 3 read the store.
`tests/test_calls_pg.py` runs the same dirty file through this and the Python writer and compares every
field of every row, every reject and the grouping of observations.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db import connection

from itg.calendar import JURISDICTIONS
from itg.params import DATE_MAX, DATE_MIN
from tracebacks.phones import nanp_e164, other_e164

from . import partitions
from .numbers import area_code_states
from .reading import NOT_UTF8_ROW, Row, not_utf8, unreadable_row, wrong_width
from .sources import EASTERN, FTC_COLUMNS, Declaration

_F = [f"f{i}" for i in range(1, 9)]
_T = "E' \\t\\r\\n'"
_SHAPES = (
    "('0000-00-00', '0000-00-00 00:00', '0000-00-00T00:00', '0000-00-00 00:00:00', '0000-00-00T00:00:00')"
)


def _valid_sql(v: str) -> str:
    """A trimmed value `v` that is 'YYYY-MM-DD[( |T)HH:MM[:SS]]' and a real calendar date and time
    (sources.iso_local's rule), in SQL that never raises: the CASE keeps every ::int cast to digits. The
    parts are compared as text in the C collation and only a day past the 28th is worked out in integers:
    a third of the cost of cutting the value into an array of parts and asking make_date."""

    def part(at: int, length: int) -> str:
        return f'substr({v}, {at}, {length}) COLLATE "C"'

    clock = (
        f"(length({v}) = 10 OR ({part(12, 2)} <= '23' AND {part(15, 2)} <= '59' "
        f"AND (length({v}) < 19 OR {part(18, 2)} <= '59')))"
    )
    y, m = f"substr({v}, 1, 4)::int", f"substr({v}, 6, 2)::int"
    days = (
        f"CASE WHEN {m} = 2 THEN 28 + (mod({y}, 4) = 0 AND (mod({y}, 100) <> 0 OR mod({y}, 400) = 0))::int "
        f"ELSE 30 + mod({m} + {m} / 8, 2) END"  # mod(), not %: the statement has bound parameters
    )
    return (
        f"CASE WHEN translate({v}, '0123456789', '0000000000') NOT IN {_SHAPES} THEN false "
        f"WHEN {part(1, 4)} = '0000' OR {part(6, 2)} NOT BETWEEN '01' AND '12' OR {part(9, 2)} = '00' "
        f"THEN false WHEN {part(9, 2)} <= '28' THEN {clock} "
        f"ELSE substr({v}, 9, 2)::int <= {days} AND {clock} END"
    )


def _in_range_sql(v: str) -> str:
    """A valid value `v` whose date lies in DATE_MIN..DATE_MAX (sources.out_of_range's rule): ISO dates
    compare as text in the C collation exactly as dates do."""
    return f"substr({v}, 1, 10) COLLATE \"C\" BETWEEN '{DATE_MIN.isoformat()}' AND '{DATE_MAX.isoformat()}'"


def _out_of_range_sql(v: str, column: str) -> str:
    """sources.out_of_range's words."""
    return (
        f"'{column} ''' || {v} || ''' is out of range: a call date must be from {DATE_MIN.isoformat()} "
        f"to {DATE_MAX.isoformat()}; correct the year.'"
    )


_STATES = "ARRAY[" + ",".join(f"'{s}'" for s in sorted(JURISDICTIONS)) + "]"

_SETUP = [
    "CREATE TEMP TABLE IF NOT EXISTS calls_stage2 (line bigint, problem text, raw text, e164 text, "
    + ", ".join(f"{f} text" for f in _F) + ") ON COMMIT DELETE ROWS",
    "CREATE TEMP TABLE IF NOT EXISTS calls_area_states (area text PRIMARY KEY, state text)",
]  # fmt: skip


def _raw_sql() -> str:
    """The row as Python's csv.writer (QUOTE_MINIMAL) writes it, for the rejects."""
    quoted = [
        f"CASE WHEN {f} ~ '[\",\\r\\n]' THEN '\"' || replace({f}, '\"', '\"\"') || '\"' ELSE {f} END"
        for f in _F
    ]
    return "concat_ws(',', " + ", ".join(quoted) + ")"


# Each row's reason (the first check it fails, in parse_ftc's order and words) or NULL, its dedupe key,
# and the trimmed values the next steps read; `raw` is kept only for the rows the reader already refused
# (a reject of a row read whole is written back from its fields by _raw_sql).
_NORMALISE = f"""
CREATE TEMP TABLE calls_norm ON COMMIT DROP AS
WITH s AS MATERIALIZED (
  SELECT line, problem, raw, e164, {", ".join(_F)},
    btrim(f1, {_T}) AS num, btrim(f3, {_T}) AS vd, btrim(f2, {_T}) AS cd,
    upper(btrim(f5, {_T})) AS st, btrim(f6, {_T}) AS area, upper(btrim(f8, {_T})) AS flag
  FROM calls_stage2
)
SELECT line, CASE WHEN problem <> '' THEN raw END AS raw, {", ".join(_F)}, e164, num, st, area, flag, vd,
  md5(concat_ws(chr(31), %(source)s, {", ".join(_F)})) AS k,
  CASE
    WHEN problem <> '' THEN problem
    WHEN num = '' THEN 'Company_Phone_Number is blank.'
    WHEN e164 IS NULL THEN 'Company_Phone_Number ''' || num || ''' is not a valid phone number.'
    WHEN vd = '' THEN 'Violation_Date is blank.'
    WHEN NOT {_valid_sql("vd")} THEN
      'Violation_Date ''' || vd || ''' is not a date and time (expected e.g. 2026-03-05 00:03:04).'
    WHEN NOT {_in_range_sql("vd")} THEN {_out_of_range_sql("vd", "Violation_Date")}
    WHEN cd <> '' AND NOT {_valid_sql("cd")} THEN
      'Created_Date ''' || cd || ''' is not a date and time (expected e.g. 2026-03-05 00:03:04).'
    WHEN cd <> '' AND NOT {_in_range_sql("cd")} THEN {_out_of_range_sql("cd", "Created_Date")}
    WHEN st <> '' AND NOT st = ANY({_STATES}) THEN
      'Consumer_State ''' || btrim(f5, {_T}) || ''' is not a US state or territory code.'
    WHEN area <> '' AND NOT (translate(area, '0123456789', '0000000000') = '000' AND left(area, 1) >= '2') THEN
      'Consumer_Area_Code ''' || area || ''' is not a three-digit area code.'
    WHEN flag NOT IN ('Y', 'N', '') THEN
      'Recorded_Message_Or_Robocall ''' || btrim(f8, {_T}) || ''' is not Y or N.'
  END AS reason
FROM s
"""  # nosec B608 - names and fragments are module constants, values are bound parameters

# Only for a valid value (reason IS NULL): the cast reads exactly the shapes _valid_sql admits.
_TIME = f"(vd::timestamp AT TIME ZONE '{EASTERN}')"

# The chunk's new records with their final values: valid rows, the first of each dedupe key in the chunk
# (a hashed anti-join on the key: no sort of 50,000 md5 texts, which this database's collation makes
# slow), not already stored (an anti-join on the (dedupe_key, call_at) index; run-time partition pruning
# keeps each probe to its month). Ids are drawn here, in line order, so the observations can be linked before
# the rows are written and no stored row is ever updated for it.
_NEW = f"""
CREATE TEMP TABLE calls_new ON COMMIT DROP AS
SELECT s.*, s.id AS grp FROM (
  SELECT nextval('calls_callrecord_id_seq') AS id, o.* FROM (
    SELECT line, {_TIME} AS call_at, length(vd) = 10 AS date_only, e164 AS calling_number,
      left(num, 40) AS calling_number_raw, left(btrim(f4, {_T}), 100) AS consumer_city, st AS consumer_state,
      n.area AS consumer_area_code, CASE WHEN st <> '' THEN st ELSE coalesce(a.state, '') END AS called_state,
      left(btrim(f7, {_T}), 200) AS subject, CASE flag WHEN 'Y' THEN true WHEN 'N' THEN false END AS robocall,
      k AS dedupe_key
    FROM calls_norm n LEFT JOIN calls_area_states a ON a.area = n.area
    WHERE reason IS NULL
      AND NOT EXISTS (SELECT 1 FROM calls_norm b WHERE b.k = n.k AND b.line < n.line AND b.reason IS NULL)
      AND NOT EXISTS (SELECT 1 FROM calls_callrecord c WHERE c.dedupe_key = n.k AND c.call_at = {_TIME})
    ORDER BY line
  ) o
) s
"""  # nosec B608 - names and fragments are module constants, values are bound parameters

# Observation linking (observations.py's rule) for an FTC chunk, whose rows carry no called number: the
# stored rows of the same calling number within the window are fetched once (calling-number index), then
# each new row takes the smallest group among them and the chunk's other rows; twice, so a chain of three
# through the middle row settles, as the job-wide linking of the other sources does.
_AREA_M = (
    "COALESCE(NULLIF(m.consumer_area_code, ''), CASE WHEN m.called_number LIKE '+1%' "
    "THEN substr(m.called_number, 3, 3) ELSE '' END)"
)
_NEAR = f"""
CREATE TEMP TABLE calls_near ON COMMIT DROP AS
SELECT DISTINCT m.id, COALESCE(m.call_group, m.id) AS grp, m.calling_number, m.call_at, {_AREA_M} AS area,
  m.called_state
FROM calls_new n JOIN calls_callrecord m ON m.calling_number = n.calling_number
  AND m.call_at BETWEEN n.call_at - interval '5 minutes' AND n.call_at + interval '5 minutes' AND NOT m.date_only
WHERE NOT n.date_only AND n.consumer_area_code <> ''
"""  # nosec B608 - names and fragments are module constants, values are bound parameters
_LINK = """
UPDATE calls_new n SET grp = sub.g FROM (
  SELECT n.id, min(m.grp) AS g
  FROM calls_new n JOIN (
    SELECT grp, calling_number, call_at, area, called_state FROM calls_near
    UNION ALL
    SELECT grp, calling_number, call_at, consumer_area_code, called_state FROM calls_new WHERE NOT date_only
  ) m ON m.calling_number = n.calling_number
     AND m.call_at BETWEEN n.call_at - interval '5 minutes' AND n.call_at + interval '5 minutes'
     AND m.area = n.consumer_area_code AND m.called_state = n.called_state
  WHERE NOT n.date_only AND n.consumer_area_code <> ''
  GROUP BY n.id
) sub
WHERE n.id = sub.id AND sub.g < n.grp
"""

_INSERT_RECORDS = f"""
INSERT INTO calls_callrecord (id, source, source_record_id, job_id, call_at, call_tz, date_only, calling_number,
  calling_number_raw, called_number, called_number_raw, consumer_city, consumer_state, consumer_zip,
  consumer_area_code, called_state, subject, robocall, transcript, recording, passport, attest, orig_tn, dest_tn,
  origid, x5u, verification, from_provider, to_provider, call_group, dedupe_key, ingested_at)
SELECT id, %(source)s, '', %(job)s, call_at, '{EASTERN}', date_only, calling_number, calling_number_raw, '', '',
  consumer_city, consumer_state, '', consumer_area_code, called_state, subject, robocall, '', '', '', '', '', '',
  '', '', '', '', '', grp, dedupe_key, %(now)s
FROM calls_new
ORDER BY call_at
"""  # nosec B608 - names and fragments are module constants, values are bound parameters


def _setup(cursor) -> None:
    for sql in _SETUP:
        cursor.execute(sql)
    cursor.execute("SELECT count(*) FROM calls_area_states")
    if not cursor.fetchone()[0]:
        with cursor.copy("COPY calls_area_states (area, state) FROM STDIN") as copy:
            for area, state in area_code_states().items():
                copy.write_row((area, state))


def takes(header: list[str]) -> bool:
    """The staging table holds the fields by position, and the dedupe key is of the fields in file order:
    a file with other columns or another order goes through the Python writer."""
    return header == list(FTC_COLUMNS)


_UNSEEN = object()
_NUMBERS_KEPT = 200_000  # the E.164 forms remembered in a run (robocallers' numbers repeat)


def copy_chunks(header: list[str], reader, size: int) -> Iterator[tuple[int, int, str]]:
    """(rows, last line, COPY text) for each chunk of `size` data rows, cut and checked exactly as
    `reading.data_rows` cuts and checks them, written straight into the staging table's CSV with no object
    kept per row (50,000 rows held as objects cost as much in garbage collection as in reading). Each
    calling number gets its E.164 form: the strict NANP rule by a compiled regex (measured 6x cheaper than
    the same rule in SQL), `phonenumbers` only for what it leaves (non-US, malformed: a few per cent)."""
    width, blank, read = len(header), ("",) * len(header), reader.__next__
    numbers: dict[str, str | None] = {}
    more = True
    while more:
        buffer = io.StringIO()
        write = csv.writer(buffer, lineterminator="\n").writerow
        rows = line = 0
        while rows < size:
            try:
                fields = read()
            except StopIteration:
                more = False
                break
            except csv.Error as error:
                line, rows = reader.line_num, rows + 1
                write((line, unreadable_row(error), "", None, *blank))
                continue
            if not fields or fields == [""]:
                continue
            line, rows = reader.line_num, rows + 1
            if not_utf8(fields):
                write((line, NOT_UTF8_ROW, Row(line, fields).raw(), None, *blank))
            elif len(fields) != width:
                write((line, wrong_width(width, len(fields)), Row(line, fields).raw(), None, *blank))
            else:
                number = fields[0]
                e164 = numbers.get(number, _UNSEEN)
                if e164 is _UNSEEN:
                    if len(numbers) >= _NUMBERS_KEPT:
                        numbers.clear()
                    e164 = numbers[number] = nanp_e164(number) or other_e164(number)
                write((line, "", "", e164, *fields))
        if rows:
            yield rows, line, buffer.getvalue()


_COPY = (
    f"COPY calls_stage2 (line, problem, raw, e164, {', '.join(_F)}) FROM STDIN "
    f"(FORMAT csv, FORCE_NOT_NULL ({', '.join(['problem', 'raw', *_F])}))"
)


def sql_write(job, decl: Declaration, chunk: str, files) -> tuple[int, int, int]:
    """Write one chunk (the COPY text of `copy_chunks`) set-based, inside the pipeline's chunk transaction."""
    from django.utils import timezone

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor, for COPY
        _setup(cursor)
        cursor.execute("TRUNCATE calls_stage2")  # inside one outer transaction (tests) too
        cursor.execute("SET LOCAL work_mem = '64MB'")  # the chunk's sorts and CTEs in memory, not temp files
        # The statements here are many cheap functions a row: compiling them costs more than it saves
        # (normalising 50,000 rows: 0.31 s of CPU without JIT, 0.65-0.70 s when it optimises).
        cursor.execute("SET LOCAL jit = off")
        with cursor.copy(_COPY) as copy:
            copy.write(chunk)
        cursor.execute(_NORMALISE, {"source": decl.source})
        cursor.execute(f"SELECT DISTINCT date_trunc('month', {_TIME}) FROM calls_norm WHERE reason IS NULL")  # nosec B608 - names and fragments are module constants, values are bound parameters
        partitions.ensure_months_for([row[0] for row in cursor.fetchall()])
        cursor.execute(
            "INSERT INTO calls_importreject (job_id, line, reason, raw) "  # nosec B608 - names and fragments are module constants, values are bound parameters
            f"SELECT %s, line, left(reason, 300), coalesce(raw, {_raw_sql()}) "
            "FROM calls_norm WHERE reason IS NOT NULL ON CONFLICT DO NOTHING",
            [job.pk],
        )
        cursor.execute(
            "SELECT count(*) FILTER (WHERE reason IS NULL), count(*) FILTER (WHERE reason IS NOT NULL) FROM calls_norm"
        )
        valid, rejected = cursor.fetchone()
        cursor.execute(_NEW)
        # Temporary tables get no statistics otherwise: the join plans below need them, and a sample of
        # 3,000 rows (statistics target 10) estimates them as well as 30,000 at a tenth of the cost.
        cursor.execute("SET LOCAL default_statistics_target = 10")
        cursor.execute("ANALYZE calls_new")
        cursor.execute(_NEAR)
        cursor.execute(_LINK)
        if cursor.rowcount:  # a second pass settles chains through a row the first pass moved
            cursor.execute(_LINK)
        cursor.execute(_INSERT_RECORDS, {"source": decl.source, "job": job.pk, "now": timezone.now()})
        created = cursor.rowcount
        cursor.execute("DROP TABLE calls_norm, calls_new, calls_near")
    return created, valid - created, rejected
