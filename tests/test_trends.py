"""Trend pages and API: figures from the daily rollup, storms, access per role and state, query counts."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import make_campaign, verified_login
from tracebacks.calls.models import CallRecord
from tracebacks.detection import rollups

END = dt.date(2026, 3, 28)


def calls(campaign, day: dt.date, n: int, *, state="CA", source="ftc_dnc"):
    at = dt.datetime.combine(day, dt.time(14), dt.UTC)
    CallRecord.objects.bulk_create(
        CallRecord(
            source=source, call_at=at + dt.timedelta(seconds=i), calling_number=f"+1415555{i % 10000:04d}",
            called_state=state, campaign=campaign, dedupe_key=uuid.uuid4().hex,
        )
        for i in range(n)
    )  # fmt: skip


@pytest.fixture
def data(db):
    ssa = make_campaign("SSA-Suspended-P2", "ssa")
    amz = make_campaign("Amazon-SuspiciousCharge-P1", "amazon")
    for i in range(56):
        day = END - dt.timedelta(days=i)
        calls(ssa, day, 4, state="CA")
        calls(ssa, day, 2, state="TX", source="honeypot")
    calls(amz, END - dt.timedelta(days=2), 60, state="CA")  # new this week
    calls(ssa, END - dt.timedelta(days=1), 90, state="CA")  # a storm: baseline median 6 a day
    rollups.rollup_refresh(END - dt.timedelta(days=i) for i in range(60))
    return ssa, amz


def page(client, url):
    resp = client.get(url)
    return resp, resp.content.decode()


def test_national_figures_top_new_and_storms(client, people, data):
    verified_login(client, people.ivy)
    resp, html = page(client, f"/trends/?days=28&end={END}")
    assert resp.status_code == 200
    r = resp.context["r"]
    assert dict(r["daily"])[END - dt.timedelta(days=1)] == 96
    assert r["total"] == 28 * 6 + 60 + 90
    assert [t["name"] for t in r["top"]] == ["SSA-Suspended-P2", "Amazon-SuspiciousCharge-P1"]
    assert r["top"][0]["previous"] == 28 * 6 and r["top"][0]["change"] == round(100 * 90 / 168)
    assert [t["name"] for t in r["new"]] == ["Amazon-SuspiciousCharge-P1"]
    storm_days = {(s["name"], s["day"]) for s in r["storms"]}
    assert ("SSA-Suspended-P2", END - dt.timedelta(days=1)) in storm_days
    assert ("Amazon-SuspiciousCharge-P1", END - dt.timedelta(days=2)) in storm_days
    assert "median daily calls over the previous 28 days" in html  # the rule is shown
    assert dict(r["by_state"]) == {"CA": 28 * 4 + 150, "TX": 28 * 2}
    assert '<svg class="chart" role="img"' in html and 'id="t-daily"' in html
    csv = client.get(f"/trends/csv/daily/?days=28&end={END}")
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert lines[0] == "day,calls" and f"{END - dt.timedelta(days=1)},96" in lines


def test_california_sees_national_and_california_but_not_texas(client, people, data):
    verified_login(client, people.carl)
    resp, html = page(client, f"/trends/?end={END}")
    assert resp.status_code == 200
    assert resp.context["r"]["by_state"] == [] and "By called party's state" not in html
    assert "+1415555" not in html and "/campaigns/detected/" not in html  # no call-level data
    resp, html = page(client, f"/trends/states/CA/?end={END}&days=28")
    assert resp.status_code == 200 and resp.context["r"]["total"] == 28 * 4 + 150
    # California's storm (90 calls over a median of 4 in California) is on its page, its top campaigns are
    # California's own figures (the campaign × state day totals)
    r = resp.context["r"]
    assert {(s["name"], s["day"], s["calls"], s["baseline"]) for s in r["storms"]} >= {
        ("SSA-Suspended-P2", END - dt.timedelta(days=1), 94, 4.0)
    }
    assert [(t["name"], t["calls"], t["previous"]) for t in r["top"]] == [
        ("SSA-Suspended-P2", 28 * 4 + 90, 28 * 4), ("Amazon-SuspiciousCharge-P1", 60, 0)
    ]  # fmt: skip
    assert client.get("/trends/states/TX/").status_code == 404
    assert client.get("/trends/states/tx/csv/daily/").status_code == 404
    assert client.get("/trends/csv/states/").status_code == 404
    assert client.get("/api/trends/states/TX/").status_code == 404
    api = client.get(f"/api/trends/states/CA/?end={END}").json()
    assert api["state"] == "CA" and api["total"] == 28 * 4 + 150
    assert client.get(f"/api/trends/?end={END}").json()["by_state"] == []
    assert client.get("/campaigns/detected/").status_code == 403


@pytest.mark.parametrize("who", ["tess", "sam", "ivy", "ada"])
def test_state_pages_by_role(client, people, data, who):
    user = getattr(people, who)
    verified_login(client, user)
    tx = client.get("/trends/states/TX/")
    assert tx.status_code == 200
    assert client.get("/trends/states/NY/").status_code == (200 if user.is_itg_staff else 404)


def test_auditors_and_anonymous_are_refused(client, people, data):
    assert client.get("/trends/").status_code == 302
    assert client.get("/api/trends/").status_code in (401, 403)
    verified_login(client, people.aldo)
    assert client.get("/trends/").status_code == 403
    assert client.get("/api/trends/").status_code == 403
    assert client.get("/campaigns/detected/").status_code == 403


def test_trend_queries_do_not_grow_with_data(people, data):
    ssa, amz = data
    client = verified_login(Client(), people.ivy)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/trends/?end={END}").status_code == 200
        return len(ctx)

    before = count()
    for i in range(20):
        calls(make_campaign(f"Other-Campaign-P{i}", "other"), END - dt.timedelta(days=i), 3, state="NY")
    rollups.rollup_refresh(END - dt.timedelta(days=i) for i in range(20))
    # Session, user, device; then the report: daily, sources, states, top now/before/names, new campaigns
    # and names, storms and names; the latest day is given, so no query for it. The same with more data.
    assert count() == before


def test_trends_are_in_the_api_schema(client, people):
    verified_login(client, people.ivy)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/trends/states/{code}/" in schema and "storm_rule" in schema


def test_the_source_and_state_day_totals_match_the_calls_and_survive_a_second_refresh(data):
    """The by-source, by-state and daily tables read these totals: they must equal the raw calls."""
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncDate

    from tracebacks.detection.models import SourceStateDay

    def totals():
        return {
            (r["day"], r["source"], r["state"]): r["n"]
            for r in SourceStateDay.objects.values("day", "source", "state").annotate(n=Sum("calls"))
        }

    raw = {
        (r["d"], r["source"], r["called_state"]): r["n"]
        for r in CallRecord.objects.annotate(d=TruncDate("call_at", tzinfo=dt.UTC))
        .values("d", "source", "called_state")
        .annotate(n=Count("pk"))
    }
    assert totals() == raw and SourceStateDay.objects.count() == len(raw)
    rollups.rollup_refresh(END - dt.timedelta(days=i) for i in range(10))  # idempotent: no double count
    assert totals() == raw
    assert rollups.by_field("source", start=END - dt.timedelta(days=27), end=END) == [
        ("ftc_dnc", 28 * 4 + 150),
        ("honeypot", 28 * 2),
    ]
