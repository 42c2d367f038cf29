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
from django.utils import timezone  # noqa: E402

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


# The same figures as the engine's criteria, written by hand in one statement (each criterion's hops grouped
# by provider with their traceback ids), run with the engine's session settings: what a person who knows the
# schema would write, for comparison.
HAND_SQL = """
WITH w AS MATERIALIZED (
  SELECT provider_id, traceback_id, sequence, answer, role, upstream_id, due_at FROM tracebacks_hop
  WHERE asked_at >= %(start)s AND asked_at < %(end)s
), f AS (SELECT id FROM providers_provider WHERE is_foreign)
SELECT 'a', provider_id, count(*), array_agg(traceback_id) FROM w
 WHERE answer IN ('no_response', 'refused') OR (answer = 'pending' AND due_at < %(now)s) GROUP BY provider_id
UNION ALL
SELECT 'b', provider_id, count(*), array_agg(traceback_id) FROM (
  SELECT provider_id, traceback_id FROM w WHERE role = 'originating' OR answer = 'customer'
  UNION ALL
  SELECT w.provider_id, w.traceback_id FROM w JOIN tracebacks_hop o ON o.traceback_id = w.traceback_id
   AND o.sequence = w.sequence + 1 AND (o.role = 'originating' OR o.answer = 'customer')
) b GROUP BY provider_id
UNION ALL
SELECT 'c', provider_id, count(*), array_agg(traceback_id) FROM w
 WHERE upstream_id IN (SELECT id FROM f) AND provider_id NOT IN (SELECT id FROM f) GROUP BY provider_id
UNION ALL
SELECT 'd', provider_id, count(*), array_agg(traceback_id) FROM w WHERE answer = 'no_record' GROUP BY provider_id
"""


def hand_written(window: engine.Window, now) -> dict[str, dict[int, int]]:
    start, end = window.bounds
    out: dict[str, dict[int, int]] = {}
    with engine.analytic_session(), connection.cursor() as cursor:
        cursor.execute(HAND_SQL, {"start": start, "end": end, "now": now})
        for criterion, provider, n, _ids in cursor.fetchall():
            out.setdefault(criterion, {})[provider] = n
    return out


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
    now = timezone.now()
    hand, by_hand = timed(lambda: hand_written(window, now))
    took, found = timed(lambda: engine.findings(window, engine.Thresholds(), now=now))
    ids = sum(len(f.traceback_ids) for f in found)
    counts = engine.criterion_counts(window, now=now)
    same = all({p: r["n"] for p, r in counts[c].items()} == by_hand.get(c, {}) for c in engine.CRITERIA)
    print(f"{'one COUNT(*) GROUP BY provider over the window (floor)':<62} {floor * 1000:8.0f} ms")
    print(f"{'hand-written SQL: the four criteria, counts and ids, one query':<62} {hand * 1000:8.0f} ms  "
          f"(the same counts as the engine: {'yes' if same else 'NO'})")  # fmt: skip
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
