"""Benchmark: the traceback list filtered by a phone number, and a busy provider's page.

Run on PostgreSQL after loading the demo world at scale (about 500,000 tracebacks, 3 million hops):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/itg_tb   # created and migrated if need be
    .venv/bin/python bench/tracebacks.py --load-scale 100     # loads (timed) if empty, then measures
    .venv/bin/python bench/tracebacks.py                      # measures what is there

Each figure is the median (and 90th percentile) wall time of full requests through Django's test client
as a verified ITG user (middleware, session, queries, template), after warm-up. Targets: list < 100 ms,
provider page < 200 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

# Run as a script, bench/ is sys.path[0], where bench/queue.py would shadow the standard library's queue.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")

from bench.pgdb import ensure_database  # noqa: E402

ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from itg.accounts.models import User  # noqa: E402
from tracebacks.models import Hop, Traceback  # noqa: E402


def verified_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.filter(user=user, confirmed=True).first().persistent_id
    session.save()
    return client


def measure(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1], len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load-scale", type=int, default=0, help="Load seed_demo --scale N first if empty.")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    if args.load_scale and not Traceback.objects.exists():
        start = time.perf_counter()
        call_command("seed_demo", scale=args.load_scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"loaded seed_demo --scale {args.load_scale} in {time.perf_counter() - start:.1f} s")
        if connection.vendor == "postgresql":
            # What autovacuum would do shortly after a bulk load: statistics, and the visibility map that lets
            # the provider page's aggregates read only the index.
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE tracebacks_traceback")
                cursor.execute("VACUUM ANALYZE tracebacks_hop")
            print(f"vacuum analyze after the load: {time.perf_counter() - start:.1f} s")
    tracebacks, hops = Traceback.objects.count(), Hop.objects.count()
    print(f"tracebacks: {tracebacks:,}  hops: {hops:,}")
    number = (
        Traceback.objects.values("calling_number")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["calling_number"]
    )
    matches = Traceback.objects.filter(calling_number=number).count()
    busy = Hop.objects.values("provider_id").annotate(n=Count("pk")).order_by("-n").first()
    client = verified_client(User.objects.get(email="ivy@itg.example"))
    rows = [
        (
            f"traceback list, number {number} ({matches:,} matches)",
            f"/tracebacks/?number={number.replace('+', '%2B')}",
            100,
        ),
        (
            f"provider page, provider {busy['provider_id']} ({busy['n']:,} hops)",
            f"/providers/{busy['provider_id']}/",
            200,
        ),
        ("traceback list, unfiltered", "/tracebacks/", 100),
        ("traceback list, that provider", f"/tracebacks/?provider={busy['provider_id']}", 100),
    ]
    for label, url, target in rows:
        median, p90, queries = measure(client, url, args.runs)
        verdict = "ok" if median < target else "OVER TARGET"
        print(
            f"{label:<62} median {median:7.1f} ms  p90 {p90:7.1f} ms  {queries} queries  (target {target} ms: {verdict})"
        )


if __name__ == "__main__":
    main()
