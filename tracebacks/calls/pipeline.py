"""The one import pipeline every source runs on: read, validate, normalise, dedupe, write, report.

A file is read as a stream and cut into chunks of `CALL_IMPORT_CHUNK_ROWS` data rows, the size the job keeps
from its first start (`ImportJob.chunk_rows`). Each chunk is written in one transaction together with the
job's counters and cursor (`chunks_done`, `lines_done`), so a run that dies (a killed worker, a redelivered
task, a restarted command) starts again at the first chunk not committed and ends with exactly the rows an
uninterrupted run gives: chunks are cut the same way every time, even when the setting changed in between,
and the dedupe key would catch a chunk written twice anyway.

Two writers share this reading and chunking: the Python writer here (SQLite, small files, every source)
and, on PostgreSQL, the set-based writer of `pgcopy.py` for the high-volume FTC file (COPY into an
unlogged staging table, then one INSERT ... SELECT). A test runs the same dirty file through both and
compares every stored field and every reject. Imports of one source write one chunk at a time
(`_one_writer_per_source`), so a chunk's new rows are still new when it writes them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from itertools import islice

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from . import partitions
from .models import CallRecord, ImportJob, ImportReject
from .reading import FileRefused, Opened, Row, csv_reader, data_rows, json_rows, open_data, sniff_kind
from .sources import BY_SOURCE, CDR_REQUIRED_FIELDS, Declaration, RowError

log = logging.getLogger(__name__)
AFTER_CHUNK: Callable[[ImportJob, int], None] | None = None  # tests interrupt a run here


class JobRefused(Exception):
    pass


class Item:
    """One data row: its line, the fields as written, a problem found reading it; values and the raw
    text are made only when asked for (the SQL path never needs the dict of a row)."""

    __slots__ = ("line", "fields", "problem", "header", "_values", "_raw")

    def __init__(
        self, line: int, fields: list[str], problem: str = "", *, header=None, values=None, raw=None
    ):
        self.line, self.fields, self.problem, self.header = line, fields, problem, header
        self._values, self._raw = values, raw

    @property
    def values(self) -> dict | None:
        if self._values is None and not self.problem and self.header is not None:
            self._values = dict(zip(self.header, self.fields, strict=True))
        return self._values

    @property
    def raw(self) -> str:
        if self._raw is None:
            self._raw = Row(self.line, self.fields).raw()
        return self._raw


def _required(decl: Declaration, job: ImportJob) -> tuple[str, ...]:
    if decl.slug == "cdr":
        mapping = job.options.get("mapping", {})
        return tuple(mapping[f] for f in CDR_REQUIRED_FIELDS if mapping.get(f))
    return decl.required


def _check_header(decl: Declaration, job: ImportJob, header: list[str]) -> None:
    required = _required(decl, job)
    missing = [c for c in required if c not in header]
    if missing:
        found = ", ".join(h for h in header[:20] if h) or "no column names"
        raise FileRefused(
            f"Expected {decl.label}: a file with the columns {', '.join(required)}. "
            f"Missing: {', '.join(missing)}. Found: {found}."
        )


def _kind(decl: Declaration, opened: Opened) -> str:
    """The file's format, refused at once when it is not one the source comes in."""
    kind = sniff_kind(opened.binary)
    if decl.slug == "shaken" and kind == "csv":
        first = opened.binary.peek(4096)[:4096].split(b"\n", 1)[0].strip().lower()
        kind = "csv" if first == b"identity" or first.startswith(b"identity,") else "lines"
    if kind not in decl.formats:
        wanted = " or ".join(f.upper().replace("JSONL", "JSON Lines") for f in decl.formats)
        raise FileRefused(f"Expected {decl.label} as {wanted}; found {kind.upper()}.")
    return kind


def _csv(decl: Declaration, job: ImportJob, opened: Opened):
    header, reader = csv_reader(opened.binary)
    _check_header(decl, job, header)
    return header, reader


def items(decl: Declaration, job: ImportJob, opened: Opened) -> Iterator[Item]:
    kind = _kind(decl, opened)
    if kind == "lines":
        return _token_lines(opened)
    if kind == "csv":
        header, reader = _csv(decl, job, opened)
        return _csv_items(header, reader)
    _none, objects = json_rows(opened.binary, kind)
    return _json_items(decl, job, objects)


def _csv_items(header: list[str], reader) -> Iterator[Item]:
    return (Item(row.line, row.fields, row.problem, header=header) for row in data_rows(header, reader))


def _json_items(decl: Declaration, job: ImportJob, objects) -> Iterator[Item]:
    required, first = _required(decl, job), True
    for line, value, raw, problem in objects:
        if first and value is not None:
            missing = [c for c in required if c not in value]
            if missing:
                raise FileRefused(
                    f"Expected {decl.label}: objects with the keys {', '.join(required)}. "
                    f"Missing: {', '.join(missing)}. Found: {', '.join(list(value)[:20])}."
                )
            first = False
        values = {k: "" if v is None else str(v) for k, v in value.items()} if value is not None else None
        yield Item(line, list(values.values()) if values else [], problem, values=values, raw=raw)


def _token_lines(opened: Opened) -> Iterator[Item]:
    from .reading import _text

    for number, line in enumerate(_text(opened.binary), start=1):
        token = line.strip()
        if token:
            yield Item(number, [token], values={"identity": token}, raw=token)


def chunks(stream: Iterator[Item], size: int) -> Iterator[list[Item]]:
    while chunk := list(islice(stream, size)):
        yield chunk


def _batches(decl: Declaration, job: ImportJob, opened: Opened, size: int):
    """(rows, last line, chunk, bytes read) for each chunk of `size` data rows, and the writer that takes
    them. Both writers' chunks are cut at the same rows, so a run resumed by the other writer skips the
    same lines."""
    if use_sql_path(decl, job):
        from . import pgcopy

        _kind(decl, opened)
        header, reader = _csv(decl, job, opened)
        if pgcopy.takes(header):
            return _read_ahead(pgcopy.copy_chunks(header, reader, size), opened.progress), pgcopy.sql_write
        stream = _csv_items(header, reader)
    else:
        stream = items(decl, job, opened)
    batches = ((len(chunk), chunk[-1].line, chunk, opened.progress.count) for chunk in chunks(stream, size))
    return batches, python_write


def _read_ahead(batches: Iterator[tuple], progress) -> Iterator[tuple]:
    """Each batch with the bytes read at its end, the next one read in a thread while this one is written:
    the file's parsing in Python overlaps PostgreSQL's work on the chunk before (one chunk ahead, so the
    memory held stays bounded). A reading error (a bomb found part-way) is raised here, in order."""

    def step():
        batch = next(batches, None)
        return batch, progress.count

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="calls-read-ahead") as pool:
        pending = pool.submit(step)
        while True:
            batch, bytes_read = pending.result()
            if batch is None:
                return
            pending = pool.submit(step)
            yield (*batch, bytes_read)


def parse_chunk(decl: Declaration, options: dict, chunk: list[Item]) -> tuple[list[dict], list[ImportReject]]:
    """Rows that pass become record dicts (with their dedupe key); the others become rejects."""
    records, rejects = [], []
    for item in chunk:
        reason = item.problem
        if not reason:
            try:
                record = decl.parse(item.values, options)
            except RowError as error:
                reason = str(error)
            else:
                record["dedupe_key"] = decl.dedupe_key(record, item.fields)
                record["_line"] = item.line
                records.append(record)
                continue
        rejects.append(ImportReject(line=item.line, reason=reason[:300], raw=item.raw))
    return records, rejects


def _new_only(records: list[dict]) -> list[dict]:
    """Drop records already stored (same dedupe key and call time) and repeats within the chunk."""
    stored = set(
        CallRecord.objects.filter(dedupe_key__in={r["dedupe_key"] for r in records}).values_list(
            "dedupe_key", "call_at"
        )
    )
    fresh = []
    for record in records:
        key = (record["dedupe_key"], record["call_at"])
        if key not in stored:
            stored.add(key)
            fresh.append(record)
    return fresh


def python_write(job: ImportJob, decl: Declaration, chunk: list[Item], files) -> tuple[int, int, int]:
    records, rejects = parse_chunk(decl, job.options, chunk)
    if connection.vendor == "postgresql":
        partitions.ensure_months_for({r["call_at"] for r in records})
    fresh = _new_only(records)
    if decl.extra_members:
        from .recordings import attach_recordings

        fresh, more = attach_recordings(job, fresh, files)
        rejects += more
    now = timezone.now()
    rows = [
        CallRecord(source=decl.source, job_id=job.pk, ingested_at=now,
                   **{k: v for k, v in r.items() if not k.startswith("_")})
        for r in fresh
    ]  # fmt: skip
    CallRecord.objects.bulk_create(rows, batch_size=2000)
    for reject in rejects:
        reject.job_id = job.pk
    ImportReject.objects.bulk_create(rejects, batch_size=2000, ignore_conflicts=True)
    return len(rows), len(records) - len(fresh), len(rejects)


def _one_writer_per_source(source: str) -> None:
    """Imports of one source write a chunk at a time, in turn, until the chunk commits: a chunk's new rows
    are the ones not stored when it starts, so no other import may store any of them meanwhile (the
    set-based writer needs no ON CONFLICT arbiter, a quarter of its INSERT's cost; the Python writer's
    bulk_create could otherwise meet a concurrent twin). Sources never share a dedupe key (the source is
    in it), so other sources' imports run alongside."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"calls_callrecord:{source}"])


def use_sql_path(decl: Declaration, job: ImportJob) -> bool:
    return (
        connection.vendor == "postgresql" and decl.slug == "ftc-dnc"
        and job.size >= settings.CALL_IMPORT_SQL_MIN_BYTES
    )  # fmt: skip


def job_run(job: ImportJob, *, on_progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Read the job's file to the end, resuming after its last committed chunk. Safe to run twice."""
    from itg.uploads import stored_files

    job.refresh_from_db()
    if job.is_finished:
        return job
    decl = BY_SOURCE[job.source]
    ImportJob.objects.filter(pk=job.pk, started_at__isnull=True).update(started_at=timezone.now())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    if (earlier := _same_file_imported(job)) is not None:
        return _finish_as_repeat(job, earlier)
    if job.chunk_rows is None:  # the first start; a job from before the field keeps today's setting
        ImportJob.objects.filter(pk=job.pk, chunk_rows__isnull=True).update(
            chunk_rows=settings.CALL_IMPORT_CHUNK_ROWS
        )
        job.refresh_from_db(fields=["chunk_rows"])
    writer = python_write
    try:
        with _open(job) as handle:
            opened = open_data(handle, allow_extra_members=decl.extra_members)
            job.options = {**job.options, "_archive": opened.archive}
            batches, writer = _batches(decl, job, opened, job.chunk_rows)
            with closing(batches):  # a read-ahead ends before the file closes
                for index, (rows, last_line, chunk, bytes_read) in enumerate(batches):
                    if index < job.chunks_done:
                        continue  # committed by an earlier run
                    with stored_files() as files, transaction.atomic():
                        _one_writer_per_source(decl.source)
                        created, duplicates, rejected = writer(job, decl, chunk, files)
                        ImportJob.objects.filter(pk=job.pk).update(
                            chunks_done=index + 1, lines_done=last_line, bytes_done=bytes_read,
                            rows_read=F("rows_read") + rows, created=F("created") + created,
                            duplicates=F("duplicates") + duplicates, rejected=F("rejected") + rejected,
                        )  # fmt: skip
                    job.refresh_from_db()
                    if on_progress:
                        on_progress(job)
                    if AFTER_CHUNK:
                        AFTER_CHUNK(job, index)
    except FileRefused as error:
        return _refuse(job, str(error))
    finally:
        job.options.pop("_archive", None)
        job.options.pop("_certificates", None)
    # The set-based writer links each chunk's observations before writing them (pgcopy._LINK).
    return _finish(job, link=writer is python_write)


def _settings_of(job: ImportJob) -> dict:
    return {k: v for k, v in job.options.items() if not k.startswith("_") and k not in {"path", "same_as"}}


def _same_file_imported(job: ImportJob) -> ImportJob | None:
    """An earlier finished import of the same bytes (SHA-256), source and settings (a CDR's mapping and
    zone), whose records are all still in the store: reading the file again could only find duplicates.
    A file whose records were since removed (a detached partition) is read again in full."""
    if not job.sha256 or job.chunks_done:
        return None
    candidates = ImportJob.objects.filter(
        source=job.source, sha256=job.sha256, status=ImportJob.Status.DONE, provider_id=job.provider_id
    ).exclude(pk=job.pk)
    for earlier in candidates.order_by("pk"):  # the first import holds the records; repeats point to it
        if "same_as" in earlier.options or _settings_of(earlier) != _settings_of(job):
            continue
        if CallRecord.objects.filter(job_id=earlier.pk).count() == earlier.created:
            return earlier
    return None


def _finish_as_repeat(job: ImportJob, earlier: ImportJob) -> ImportJob:
    """The counts a full read would give (every accepted row a duplicate, the same rows rejected), the
    rejected rows copied so this job's download lists them too, and the earlier job named on its page."""
    with transaction.atomic():
        rejects = earlier.rejects.values_list("line", "reason", "raw")
        for lo in range(0, earlier.rejected, 5000):
            ImportReject.objects.bulk_create(
                [ImportReject(job=job, line=line, reason=reason, raw=raw) for line, reason, raw in rejects[lo : lo + 5000]]
            )  # fmt: skip
        ImportJob.objects.filter(pk=job.pk).update(
            rows_read=earlier.rows_read, created=0, duplicates=earlier.created + earlier.duplicates,
            rejected=earlier.rejected, lines_done=earlier.lines_done, chunks_done=earlier.chunks_done,
            options={**job.options, "same_as": earlier.pk},
        )  # fmt: skip
    job.refresh_from_db()
    return _finish(job, link=False)


def _open(job: ImportJob):
    from itg.uploads import open_stored

    path = job.options.get("path")
    return open(path, "rb") if path else open_stored(job.file_key)  # noqa: SIM115 - closed by the caller


def _refuse(job: ImportJob, message: str) -> ImportJob:
    """The file is not what it claims (found out at once, or part-way, e.g. a bomb): nothing stays."""
    with transaction.atomic():
        CallRecord.objects.filter(job_id=job.pk).delete()
        ImportReject.objects.filter(job=job).delete()
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.REFUSED, error=message, finished_at=timezone.now(), created=0,
            duplicates=0, rejected=0, rows_read=0, chunks_done=0, lines_done=0,
        )  # fmt: skip
    job.refresh_from_db()
    _audit_end(job)
    return job


def _audit_end(job: ImportJob) -> None:
    from .services import import_job_finished

    with transaction.atomic():
        import_job_finished(job)


def _finish(job: ImportJob, *, link: bool = True) -> ImportJob:
    from .observations import link_observations

    if link:
        link_observations(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, finished_at=timezone.now(), bytes_done=F("size")
    )
    job.refresh_from_db()
    _audit_end(job)
    return job
