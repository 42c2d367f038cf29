"""Benchmark: the FTC importer end to end against a raw COPY of the same file, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itg_bench .venv/bin/python bench/ingest.py [--rows 1000000]

Writes an FTC Do Not Call CSV with realistic dirt (blank and malformed numbers, non-US numbers, written
formats, exact duplicate rows, rows shifted by a column, bad dates), then in one scratch database
(bench_ingest_<pid>, dropped at the end) prints side by side:
  raw COPY   the file's lines copied into a bare one-column table (the physical limit: bytes into pages),
  importer   import_calls end to end (parse, COPY to staging, normalise, validate, dedupe, insert into the
             partitioned, indexed table, rejects, observation linking),
  ratio      importer speed / raw COPY speed (target >= 0.5),
  peak RSS   of this process (target < 1 GB),
  re-import  the same file again (target < 0.2x the first run): recognised by its SHA-256, not read;
             and the same rows in other bytes, read in full and found duplicates.
Campaign assignment (issue 10), which the import queues for a worker once a job is done, is timed on its
own line: it is not part of reading the file. The machine's load average is printed with the figures, and,
when the server runs on this machine, the CPU seconds of this process and of its server process for the
raw COPY and the first run: on a shared machine they move far less with the load than the wall times.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")

from bench.pgdb import ensure_database  # noqa: E402

ensure_database()

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from tracebacks.calls.pipeline import job_run  # noqa: E402
from tracebacks.calls.services import import_job_create  # noqa: E402
from tracebacks.calls.sources import FTC_COLUMNS  # noqa: E402
from tracebacks.detection.tasks import assign_imported_job  # noqa: E402

QUEUED: list[int] = []
assign_imported_job.delay = QUEUED.append  # queued for a worker after the job; timed on its own below

SUBJECTS = [
    "Reducing your debt (credit cards, mortgage, student loans)", "Dropped call or no message",
    "Vacation  & timeshares", "Other", "No Subject Provided", "Warranties & protection plans",
    "Imposters (government, businesses)", "Medical & prescriptions", "Computer & technical support",
]  # fmt: skip
PLACES = [("Austin", "TX", "512"), ("Dallas", "TX", "214"), ("San Jose", "CA", "408"), ("Miami", "FL", "305"),
          ("Albany", "NY", "518"), ("Reno", "NV", "775"), ("Boise", "ID", "208"), ("Chicago", "IL", "312")]  # fmt: skip


def write_file(path: Path, rows: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    callers = [
        f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}" for _ in range(20000)
    ]
    dirt = {"duplicate": 0, "blank": 0, "malformed": 0, "foreign": 0, "shifted": 0, "bad_date": 0}
    last = None
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(FTC_COLUMNS)
        for i in range(rows):
            r = rng.random()
            if last and r < 0.03:
                writer.writerow(last)
                dirt["duplicate"] += 1
                continue
            number = rng.choice(callers)
            style = rng.random()
            if style < 0.2:
                number = f"({number[:3]}) {number[3:6]}-{number[6:]}"
            elif style < 0.25:
                number = f"1-{number[:3]}-{number[3:6]}-{number[6:]}"
            day, sec = 1 + i % 28, rng.randint(0, 86399)
            when = f"2026-{1 + (i // 28) % 12:02d}-{day:02d} {sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}"
            city, state, area = rng.choice(PLACES)
            row = [number, when, when, city, state, area, rng.choice(SUBJECTS), rng.choice("YYYN ")]
            row[7] = row[7].strip()
            if r < 0.04:
                row[0], dirt["blank"] = "", dirt["blank"] + 1
            elif r < 0.05:
                row[0], dirt["malformed"] = number[:6], dirt["malformed"] + 1
            elif r < 0.055:
                row[0], dirt["foreign"] = f"+44 20 7946 {rng.randint(0, 9999):04d}", dirt["foreign"] + 1
            elif r < 0.06:
                row, dirt["shifted"] = row[:3] + row[4:], dirt["shifted"] + 1
            elif r < 0.062:
                row[2], dirt["bad_date"] = "2026-02-30 10:00:00", dirt["bad_date"] + 1
            writer.writerow(row)
            last = row
    return dirt


def cpu_now() -> tuple[float, float | None]:
    """CPU seconds used so far by this process and by the server process of its connection (None when
    the server is not on this machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return time.process_time(), None
    return time.process_time(), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_since(start: tuple[float, float | None]) -> tuple[float, float | None]:
    end = cpu_now()
    return end[0] - start[0], None if start[1] is None or end[1] is None else end[1] - start[1]


def raw_copy(path: Path) -> float:
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute("DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (line text)")
        start = time.perf_counter()
        with (
            cursor.copy("COPY bench_raw FROM STDIN (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')") as copy,
            path.open("rb") as handle,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        elapsed = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_raw")
    return elapsed


def importer(path: Path):
    start = time.perf_counter()
    job = job_run(import_job_create(by=None, source="ftc-dnc", path=str(path), enqueue=False))
    return time.perf_counter() - start, job


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    original = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"bench_ingest_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "ftc.csv"
            dirt = write_file(path, args.rows)
            size = path.stat().st_size
            print(f"file: {args.rows:,} rows, {size / 1e6:.0f} MB; dirt: {dirt}")
            print(f"load average at the start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
            before = cpu_now()
            copy_s = raw_copy(path)
            copy_cpu = cpu_since(before)
            before = cpu_now()
            first_s, job = importer(path)
            first_cpu = cpu_since(before)
            import_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            start = time.perf_counter()
            for job_id in QUEUED:
                assign_imported_job(job_id)
            assign_s = time.perf_counter() - start
            second_s, again = importer(path)
            # The same rows in other bytes (one line added at the end): not recognised by its digest, read
            # in full, every row found a duplicate by its dedupe key.
            with path.open("a", encoding="utf-8") as fh:
                fh.write("\n")
            third_s, reread = importer(path)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{'':<22}{'seconds':>9}{'rows/s':>12}")
        print(f"{'raw COPY (bare table)':<22}{copy_s:9.2f}{args.rows / copy_s:12,.0f}")
        print(f"{'importer, first run':<22}{first_s:9.2f}{args.rows / first_s:12,.0f}"
              f"   created {job.created:,}, duplicates {job.duplicates:,}, rejected {job.rejected:,}")  # fmt: skip
        print(f"{'importer, same file':<22}{second_s:9.2f}{args.rows / second_s:12,.0f}"
              f"   created {again.created:,}, duplicates {again.duplicates:,}, rejected {again.rejected:,}")  # fmt: skip
        print(f"{'same rows, other bytes':<22}{third_s:9.2f}{args.rows / third_s:12,.0f}"
              f"   created {reread.created:,}, duplicates {reread.duplicates:,}, rejected {reread.rejected:,}")  # fmt: skip
        print(
            f"{'campaign assignment':<22}{assign_s:9.2f}{'':>12}   (its own task, queued when the job is done)"
        )
        print(f"ratio importer/raw COPY speed: {copy_s / first_s:.2f}x (target >= 0.5)")
        if copy_cpu[1] is not None and first_cpu[1] is not None:
            copy_total, first_total = sum(copy_cpu), sum(first_cpu)
            print(f"CPU seconds (this process + its PostgreSQL server process): raw COPY {copy_cpu[0]:.2f} + "
                  f"{copy_cpu[1]:.2f}, importer first run {first_cpu[0]:.2f} + {first_cpu[1]:.2f}; "
                  f"ratio {copy_total / first_total:.2f}x")  # fmt: skip
        print(f"re-import / first run: {second_s / first_s:.2f}x (target < 0.2); the same rows read in full: "
              f"{third_s / first_s:.2f}x")  # fmt: skip
        print(f"peak RSS: {import_peak_mb:,.0f} MB after the import, {peak_mb:,.0f} MB with campaign assignment "
              "(target < 1024)")  # fmt: skip
        print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} cores")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
