"""Benchmark: import_rmd on an export the size of the real one (7,500 rows), first run and second run.

The rows are the sample's, repeated with fresh RMD numbers (RMD7xxxxxx) so that every row is a new provider;
the second run must create and update nothing. Run against any database; it removes its providers after.

    .venv/bin/python bench/rmd_import.py [--rows 7500]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

# Run as a script, bench/ is sys.path[0], where bench/queue.py would shadow the standard library's queue.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from providers import rmd  # noqa: E402
from providers.demo import SAMPLE  # noqa: E402
from providers.models import Provider  # noqa: E402


def export(rows: int) -> bytes:
    sample = list(csv.DictReader(SAMPLE.open(newline="")))
    out = io.StringIO()
    writer = csv.DictWriter(out, list(sample[0]))
    writer.writeheader()
    for i in range(rows):
        row = dict(sample[i % len(sample)])
        row["number"] = f"RMD7{i:06d}"
        row["business_name"] = f"{row['business_name']} #{i}"
        writer.writerow(row)
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=7500)
    args = parser.parse_args()
    raw = export(args.rows)
    print(f"database: {connection.vendor}; file: {args.rows:,} rows, {len(raw) / 1e6:.1f} MB")
    try:
        for run in ("first run", "second run"):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                report = rmd.import_rmd(raw)
                elapsed = time.perf_counter() - start
            print(f"{run:<11} {elapsed:6.2f} s  {len(ctx.captured_queries):4d} queries  {report.summary()}")
    finally:
        Provider.objects.filter(rmd_number__startswith="RMD7").delete()


if __name__ == "__main__":
    main()
