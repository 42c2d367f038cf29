"""Benchmark: trend pages on a rollup the size 10 million calls a year make, and import assignment.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/itg_bench_campaigns   # created and migrated
    .venv/bin/python bench/campaigns_db.py trends    # builds the rollup once (3.3M rows), then measures
    .venv/bin/python bench/campaigns_db.py assign    # 10,000 new call records against 60 confirmed campaigns

Trend pages read only the daily rollup (day × campaign × source × state), never the raw calls, so their
cost follows the rollup's size, not the call store's: the rollup built here is what 10 million calls over
a year give (365 days × 300 campaigns × 10 states each × 3 sources, about 3 calls a cell; generating the
9.9 million raw calls themselves would take longer than the whole run on the shared machine, and no page
reads them). The campaign-day and source × state day totals are derived from it as rollup_refresh
writes them. Each page figure is the median wall time of 15 full requests through Django's test client
(middleware, session, queries, template), printed beside the physical limit: the same figures as
hand-written SQL (`bare_sql`: one statement per table of the page, on the same rollup tables).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")

from bench.pgdb import ensure_database  # noqa: E402

ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from itg.accounts.models import User  # noqa: E402
from itg.accounts.services import ag_office, itg_office  # noqa: E402
from tracebacks.calls.models import CallRecord  # noqa: E402
from tracebacks.detection import engine, services, synthetic  # noqa: E402
from tracebacks.detection.models import (  # noqa: E402
    CampaignDay,
    CampaignStateDay,
    DailyRollup,
    DetectedCampaign,
    SourceStateDay,
)
from tracebacks.models import Campaign  # noqa: E402

END = dt.date(2026, 11, 30)


def person(email: str, role: str, office) -> User:
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, "bench password 1234", full_name=email.split("@")[0], role=role, office=office
    )
    TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    return user


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user, name="bench").persistent_id
    session.save()
    return client


def measure(client: Client, url: str, runs: int = 15) -> tuple[float, int]:
    client.get(url)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200, resp.status_code
    with CaptureQueriesContext(connection) as q:
        client.get(url)
    return statistics.median(times), len(q.captured_queries)


def build_rollup() -> None:
    have = DailyRollup.objects.count()
    if have > 3_000_000:
        print(f"rollup already holds {have:,} rows")
        if not all(m.objects.exists() for m in (CampaignDay, CampaignStateDay, SourceStateDay)):
            _campaign_days()
        return
    started = time.perf_counter()
    Campaign.objects.bulk_create(
        [Campaign(name=f"Bench-Campaign-P{i}", kind="other") for i in range(300)], ignore_conflicts=True
    )
    ids = list(Campaign.objects.filter(name__startswith="Bench-Campaign-").values_list("pk", flat=True))
    with connection.cursor() as cur:
        cur.execute("TRUNCATE detection_dailyrollup")
        cur.execute(
            """
            INSERT INTO detection_dailyrollup (day, campaign_id, source, state, calls)
            SELECT %s::date - d, c.id, s.source, st.state, 1 + ((d * 7 + c.id * 13 + st.k * 3) %% 5)
            FROM generate_series(0, 364) AS d
            CROSS JOIN unnest(%s::bigint[]) AS c(id)
            CROSS JOIN (VALUES ('ftc_dnc'), ('fcc_complaint'), ('honeypot')) AS s(source)
            CROSS JOIN LATERAL (
                SELECT k, (ARRAY['CA','TX','NY','FL','IL','PA','OH','GA','NC','MI','NJ','VA','WA','AZ','MA',
                                 'TN','IN','MO','MD','WI'])[1 + ((c.id + k * 7) %% 20)] AS state
                FROM generate_series(0, 9) AS k
            ) AS st
            """,
            [END, ids],
        )
        cur.execute("VACUUM ANALYZE detection_dailyrollup")
        cur.execute("SELECT count(*), sum(calls) FROM detection_dailyrollup")
        rows, total = cur.fetchone()
    _campaign_days()
    print(
        f"built the rollup: {rows:,} rows standing for {total:,} calls in {time.perf_counter() - started:.1f} s"
    )


def _campaign_days() -> None:
    """The national campaign-day totals, the campaign × state day totals and the source × state day totals,
    as rollup_refresh writes them beside the daily rollup."""
    with connection.cursor() as cur:
        cur.execute("TRUNCATE detection_campaignday")
        cur.execute(
            "INSERT INTO detection_campaignday (day, campaign_id, calls) "
            "SELECT day, campaign_id, sum(calls) FROM detection_dailyrollup GROUP BY day, campaign_id"
        )
        cur.execute("VACUUM ANALYZE detection_campaignday")
        cur.execute("TRUNCATE detection_campaignstateday")
        cur.execute(
            "INSERT INTO detection_campaignstateday (day, campaign_id, state, calls) "
            "SELECT day, campaign_id, state, sum(calls) FROM detection_dailyrollup GROUP BY day, campaign_id, state"
        )
        cur.execute("VACUUM ANALYZE detection_campaignstateday")
        cur.execute("TRUNCATE detection_sourcestateday")
        cur.execute(
            "INSERT INTO detection_sourcestateday (day, source, state, calls) "
            "SELECT day, source, state, sum(calls) FROM detection_dailyrollup GROUP BY day, source, state"
        )
        cur.execute("VACUUM ANALYZE detection_sourcestateday")


def bare_sql(days: int, state: str = "") -> list[tuple[str, list]]:
    """The same figures as a trend page, hand-written: one SQL statement per table of the page, on the same
    rollup tables, with nothing around them (no ORM, no template, no session). The physical limit."""
    end = END
    start = end - dt.timedelta(days=days - 1)
    prev = start - dt.timedelta(days=days)
    base = start - dt.timedelta(days=28)
    week = end - dt.timedelta(days=6)
    places = "detection_sourcestateday WHERE day BETWEEN %s AND %s" + (" AND state = %s" if state else "")
    camp = (
        "detection_campaignstateday WHERE state = %s AND day BETWEEN %s AND %s"
        if state
        else "detection_campaignday WHERE %s = %s AND day BETWEEN %s AND %s"
    )
    s_ = [state] if state else []
    c_ = [state] if state else ["", ""]
    q = [
        (f"SELECT day, sum(calls) FROM {places} GROUP BY day", [start, end, *s_]),
        (f"SELECT source, sum(calls) FROM {places} GROUP BY source ORDER BY 2 DESC", [start, end, *s_]),
        (f"SELECT campaign_id, sum(calls) FROM {camp} AND campaign_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 10", [*c_, start, end]),
        (f"SELECT campaign_id, sum(calls) FROM {camp} AND campaign_id IS NOT NULL GROUP BY 1", [*c_, prev, start - dt.timedelta(days=1)]),
        (f"SELECT campaign_id, min(day), sum(calls) FROM {camp} AND campaign_id IS NOT NULL GROUP BY 1", [*c_, week, end]),
        (f"SELECT campaign_id, array_agg(day - %s::date), array_agg(calls) FROM {camp} AND campaign_id IS NOT NULL GROUP BY 1", [base, *c_, base, end]),
    ]  # fmt: skip
    if not state:
        q.append((f"SELECT state, sum(calls) FROM {places} GROUP BY state ORDER BY 2 DESC", [start, end]))
    return q


def time_sql(statements: list[tuple[str, list]], runs: int = 15) -> float:
    times = []
    with connection.cursor() as cur:
        for _ in range(runs):
            t = time.perf_counter()
            for sql, params in statements:
                cur.execute(sql, params)
                cur.fetchall()
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def trends() -> None:
    build_rollup()
    ivy = person("bench-ivy@itg.example", "itg_staff", itg_office())
    carl = person("bench-carl@ag.example", "ag_staff", ag_office("CA"))
    q = f"?end={END}"
    sizes = {
        m.__name__: m.objects.count() for m in (DailyRollup, CampaignDay, CampaignStateDay, SourceStateDay)
    }
    print("rollup rows: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    print(f"{'page (median of 15 full requests)':<42} {'page':>10} {'queries':>8} {'bare SQL':>10}")
    for label, user, url, days, state in [
        ("national page, ITG staff (28 days)", ivy, f"/trends/{q}", 28, ""),
        ("national page, ITG staff (1 year)", ivy, f"/trends/{q}&days=365", 365, ""),
        ("California page, California AG user", carl, f"/trends/states/CA/{q}", 28, "CA"),
        ("California page, 1 year", carl, f"/trends/states/CA/{q}&days=365", 365, "CA"),
        ("national API, California AG user", carl, f"/api/trends/{q}", 28, ""),
    ]:
        median, queries = measure(login(user), url)
        bare = time_sql(bare_sql(days, state))
        print(f"{label:<42} {median:7.1f} ms {queries:>8} {bare:7.1f} ms")
    print(f"target: < 300 ms median; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def assign() -> None:
    ivy = person("bench-ivy@itg.example", "itg_staff", itg_office())
    from bench.campaigns import _real

    real = [r["transcript"] for r in _real() if r["language"] == "en"]
    scripts = list(dict.fromkeys(real))[:60]
    DetectedCampaign.objects.filter(name__startswith="Bench-Detected-").delete()
    for i, text in enumerate(scripts):
        d = DetectedCampaign.objects.create(
            status=DetectedCampaign.Status.CONFIRMED,
            name=f"Bench-Detected-P{i}",
            anchors=[text],
            confirmed_by=ivy,
        )
        d.save()
    rng = random.Random(3)
    rows = []
    day = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    for i in range(10_000):
        text = (
            synthetic.vary(rng.choice(scripts), rng)
            if i % 5
            else synthetic.invent_script(rng, real[0].split(), 40)
        )
        rows.append(
            CallRecord(source="honeypot", call_at=day + dt.timedelta(seconds=i * 17), calling_number=f"+1202555{i:04d}",
                       called_state="CA", transcript=text, dedupe_key=uuid.uuid4().hex)
        )  # fmt: skip
    created = CallRecord.objects.bulk_create(rows, batch_size=2000)
    ids = [c.pk for c in created]
    t = time.perf_counter()
    run = services.detection_assign_calls(ids)
    took = time.perf_counter() - t
    t = time.perf_counter()
    out = services.after_import(ids)  # assignment again (a no-op: already members) + rollups
    took2 = time.perf_counter() - t
    # The floor any assignment pays: read the records' texts back and normalise each once.
    t = time.perf_counter()
    texts = list(CallRecord.objects.filter(pk__in=ids).values_list("transcript", flat=True))
    for text in texts:
        engine.normalise(text)
    floor = time.perf_counter() - t
    load = os.getloadavg()[0]
    print(
        f"10,000 imported records assigned in {took:.2f} s (target < 5 s): {run.assigned:,} joined 60 campaigns"
    )
    print(f"floor: read their 10,000 texts and normalise each once: {floor:.2f} s (load average {load:.1f})")
    print(f"after_import again (members already there) + rollups of {out['days']} days: {took2:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["trends", "assign"])
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    {"trends": trends, "assign": assign}[args.what]()


if __name__ == "__main__":
    main()
