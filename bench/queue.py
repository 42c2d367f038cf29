"""Benchmark: median server time of the ITG demand queue and of a Texas user's list, on 100,000 demands.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itg_bench .venv/bin/python bench/queue.py [--demands 100000]

Creates the data once (bulk inserts, about a minute), then times the pages in-process through the whole
Django stack (middleware, access layer, queries, template) with a verified session. Target: < 100 ms each.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# This file is named like the stdlib `queue` module: replace its folder on the path with the project root.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from bench.pgdb import ensure_database  # noqa: E402

ensure_database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from cases.models import Case  # noqa: E402
from itg.accounts.models import User  # noqa: E402
from itg.accounts.services import ag_office, itg_office  # noqa: E402
from itg.calendar import JURISDICTIONS, end_of_day  # noqa: E402
from subpoenas.models import LegalDemand  # noqa: E402

STATES = list(JURISDICTIONS)
STATUSES = LegalDemand.Status.values
BENCH_REF = "bench"


def person(email: str, role: str, office) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, "bench password 1234", full_name=email.split("@")[0], role=role, office=office
        )
    TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    return user


def build(n: int, ivy: User, tess: User) -> None:
    have = LegalDemand.objects.filter(case__reference=BENCH_REF).count()
    if have >= n:
        print(f"{have} bench demands already present")
        return
    started = time.perf_counter()
    rng = random.Random(42)
    offices = {s: ag_office(s) for s in STATES}
    creators = {s: person(f"bench-{s.lower()}@ag.example", "ag_staff", offices[s]) for s in STATES}
    cases = Case.objects.bulk_create(
        Case(title=f"Bench matter {i}", lead_state=STATES[i % len(STATES)], reference=BENCH_REF,
             created_by=creators[STATES[i % len(STATES)]], owner=ivy if i % 3 else None)
        for i in range(n // 20)
    )  # fmt: skip
    now = datetime.now(UTC)
    open_statuses = [s for s in STATUSES if s not in ("delivered", "closed", "withdrawn")]
    batch = []
    for i in range(have, n):
        case = cases[i % len(cases)]
        # Years of intake: most demands are answered and closed; about 1 in 8 is open, due from ten days
        # ago (overdue) to three months ahead.
        if rng.random() < 0.125:
            status, due = rng.choice(open_statuses), (now + timedelta(days=rng.randint(-10, 90))).date()
        else:
            status, due = (
                rng.choice(["delivered", "closed", "closed", "withdrawn"]),
                (now - timedelta(days=rng.randint(10, 1500))).date(),
            )
        batch.append(LegalDemand(
            kind="subpoena" if i % 4 else "cid", case=case, issuing_office=offices[case.lead_state],
            state=case.lead_state, tracking_number=f"{case.lead_state}-B-{i:07d}", caption=f"In re bench matter {i}",
            issuing_authority="AG", date_issued=due - timedelta(days=40), date_served=due - timedelta(days=40),
            response_days=30, response_day_kind="business", contact_name="c", contact_email="c@example.org",
            status=status, submitted_by=creators[case.lead_state],
            received_at=datetime.combine(due - timedelta(days=40), datetime.min.time(), tzinfo=UTC),
            due_date=due, due_at=end_of_day(due, case.lead_state),
            due_explanation="30 business days", search_text=f"in re bench matter {i}\n+1214555{i % 10000:04d}",
        ))  # fmt: skip
        if len(batch) == 5000:
            LegalDemand.objects.bulk_create(batch)
            batch = []
    LegalDemand.objects.bulk_create(batch)
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load: statistics, visibility map
        cursor.execute("VACUUM ANALYZE subpoenas_legaldemand")
        cursor.execute("VACUUM ANALYZE cases_case")
    print(f"created {n - have} demands in {time.perf_counter() - started:.1f} s")


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user, name="bench").persistent_id
    session.save()
    return client


def measure(client: Client, url: str, runs: int) -> tuple[float, int]:
    client.get(url)  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demands", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    ivy = person("bench-ivy@itg.example", "itg_staff", itg_office())
    tess = person("bench-tess@ag.example", "ag_staff", ag_office("TX"))
    build(args.demands, ivy, tess)
    total = LegalDemand.objects.count()
    tx = LegalDemand.objects.filter(state="TX").count()
    print(f"{total} demands in the database ({tx} Texas)")
    for label, user, url in (
        ("ITG queue (all, soonest due)", ivy, "/demands/"),
        ("ITG queue, open, soonest due", ivy, "/demands/?status=open"),
        ("ITG queue, open and due within 7 days", ivy, "/demands/?status=open&due=week"),
        ("ITG queue, search by phone", ivy, "/demands/?q=%28214%29+555-0042"),
        ("Texas user's list", tess, "/demands/"),
        ("Texas user's list, overdue", tess, "/demands/?due=overdue"),
    ):
        median, queries = measure(login(user), url, args.runs)
        print(f"{label:<45} median {median:6.1f} ms over {args.runs} runs, {queries} queries")


if __name__ == "__main__":
    main()
