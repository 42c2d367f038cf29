"""Benchmark: provider findings over 12 months, the scorecard page and a busy provider's neighbourhood page.

Run on PostgreSQL after loading the demo world at scale (500,000 tracebacks, about 2.5 million hops):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/itg_ecosystem_bench
    .venv/bin/python bench/ecosystem.py --load-scale 100     # loads (about 6 minutes) if empty, then measures

Printed side by side with the limit: the findings engine (all providers, 12 months, every traceback id),
against one hand-written COUNT(*) ... GROUP BY provider over the same hops (the floor for any grouped pass);
the cold builds behind the pages (scorecard, graph edges); then each page's median request time, warm (the
pages serve a computation at most 10 minutes old, and say when it was made). Targets: findings < 5 s,
scorecard and neighbourhood pages < 300 ms median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")

from bench.pgdb import ensure_database  # noqa: E402

ensure_database()

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from bench.tracebacks import measure, verified_client  # noqa: E402
from itg.accounts.models import User  # noqa: E402
from tracebacks.ecosystem import findings as engine  # noqa: E402
from tracebacks.ecosystem import graph, selectors  # noqa: E402
from tracebacks.models import Hop, Traceback  # noqa: E402


def timed(work, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--load-scale", type=int, default=0)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    if args.load_scale and not Traceback.objects.exists():
        start = time.perf_counter()
        call_command("seed_demo", scale=args.load_scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"loaded seed_demo --scale {args.load_scale} in {time.perf_counter() - start:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE tracebacks_hop")
            cursor.execute("VACUUM ANALYZE providers_provider")
    end = Hop.objects.order_by("-asked_at").values_list("asked_at", flat=True).first().date()
    window = engine.Window(engine.months_back(end, 12), end)
    hops = engine.window_hops(window)
    print(f"tracebacks: {Traceback.objects.count():,}  hops: {Hop.objects.count():,}  window {window}: "
          f"{hops.count():,} hops")  # fmt: skip
    floor, _ = timed(lambda: list(hops.values("provider_id").annotate(n=Count("pk")).order_by()))
    took, found = timed(lambda: engine.findings(window, engine.Thresholds()))
    ids = sum(len(f.traceback_ids) for f in found)
    print(f"{'one COUNT(*) GROUP BY provider over the window (floor)':<62} {floor * 1000:8.0f} ms")
    print(f"{'findings, all providers, 12 months':<62} {took * 1000:8.0f} ms  {len(found)} findings, "
          f"{ids:,} traceback ids  (target 5000 ms: {'ok' if took < 5 else 'OVER TARGET'})")  # fmt: skip
    cache.clear()
    took, _ = timed(lambda: selectors.scorecard(window, engine.Thresholds()), runs=1)
    print(f"{'scorecard, cold (findings, trend, late, spoofing)':<62} {took * 1000:8.0f} ms")
    took, _ = timed(lambda: (cache.clear(), graph.edge_data(graph.Scope(window))), runs=1)
    print(f"{'graph edges and nodes, cold':<62} {took * 1000:8.0f} ms")
    busy = hops.values("provider_id").annotate(n=Count("pk")).order_by("-n").first()
    client = verified_client(User.objects.get(email="ivy@itg.example"))
    w = f"since={window.start}&until={window.end}"
    for label, url in [
        ("scorecard page", f"/ecosystem/?{w}"),
        ("scorecard page, criterion (c)", f"/ecosystem/?{w}&criterion=c"),
        (f"neighbourhood page, provider {busy['provider_id']} ({busy['n']:,} hops)",
         f"/ecosystem/providers/{busy['provider_id']}/graph/?{w}"),
        ("chokepoints page", f"/ecosystem/map/?{w}"),
    ]:  # fmt: skip
        median, p90, queries = measure(client, url, args.runs)
        verdict = "ok" if median < 300 else "OVER TARGET"
        print(
            f"{label:<62} median {median:7.1f} ms  p90 {p90:7.1f} ms  {queries} queries  (target 300 ms: {verdict})"
        )


if __name__ == "__main__":
    main()
