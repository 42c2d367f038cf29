"""In a real browser: the trend chart and its table show the figures of the call records behind them; ITG
staff confirm a detected campaign, rename it and merge another into it through the pages."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db.models import Count
from django.db.models.functions import TruncDate
from playwright.sync_api import Page, expect

from tests.browser import log_in
from tests.factories import make_campaign
from tests.test_campaign_detection import _scripts, add_calls, campaign_of
from tracebacks.calls.models import CallRecord
from tracebacks.detection import rollups, services, synthetic
from tracebacks.detection.models import Decision, DetectedCampaign

pytestmark = pytest.mark.browser
END = dt.date(2026, 3, 28)


def _calls(campaign, day: dt.date, n: int, *, state: str, source: str) -> None:
    at = dt.datetime.combine(day, dt.time(14), dt.UTC)
    CallRecord.objects.bulk_create(
        CallRecord(
            source=source, call_at=at + dt.timedelta(seconds=i), calling_number=f"+1415555{i:04d}",
            called_state=state, campaign=campaign, dedupe_key=uuid.uuid4().hex,
        )
        for i in range(n)
    )  # fmt: skip


def test_the_daily_chart_and_its_table_show_the_calls_of_each_day(page: Page, site, people, tmp_path):
    ssa = make_campaign("SSA-Suspended-P2", "ssa")
    amz = make_campaign("Amazon-SuspiciousCharge-P1", "amazon")
    for i in range(28):  # a different count every day, so a shifted or mislabelled bar is caught
        _calls(ssa, END - dt.timedelta(days=i), 3 + i % 5, state="CA", source="ftc_dnc")
        _calls(ssa, END - dt.timedelta(days=i), 1 + i % 3, state="TX", source="honeypot")
    _calls(amz, END - dt.timedelta(days=2), 70, state="CA", source="ftc_dnc")
    rollups.rollup_refresh(END - dt.timedelta(days=i) for i in range(35))
    # The expected figures straight from the raw call records (not from the rollup the page reads).
    raw = dict(
        CallRecord.objects.annotate(d=TruncDate("call_at", tzinfo=dt.UTC))
        .values_list("d")
        .annotate(n=Count("pk"))
        .order_by()
    )
    expected = [
        (END - dt.timedelta(days=27 - k), raw.get(END - dt.timedelta(days=27 - k), 0)) for k in range(28)
    ]
    assert sum(n for _, n in expected) == CallRecord.objects.count()

    page.set_default_timeout(120_000)  # a loaded shared machine: the first render pays imports
    log_in(page, site, people.ivy)
    page.goto(f"{site}/trends/?days=28&end={END}")
    expect(page.get_by_role("heading", name="Robocalls nationwide")).to_be_visible()
    chart = page.get_by_role("img", name="Calls per day, the United States")
    expect(chart).to_be_visible()
    bars = chart.locator("rect.bar")
    expect(bars).to_have_count(28)
    drawn = [(b.get_attribute("data-label"), int(b.get_attribute("data-value"))) for b in bars.all()]
    assert drawn == [(d.strftime("%b %d"), n) for d, n in expected]
    # Heights follow the figures: the tallest bar is the Amazon storm day, and bars scale linearly.
    heights = [float(b.get_attribute("height")) for b in bars.all()]
    top = max(range(28), key=lambda k: expected[k][1])
    assert expected[top][0] == END - dt.timedelta(days=2) and heights[top] == max(heights)
    k = next(k for k in range(28) if expected[k][1] != expected[top][1])
    assert heights[k] / heights[top] == pytest.approx(expected[k][1] / expected[top][1], rel=0.02)
    table = page.locator("#t-daily")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(28)
    shown = [tuple(r.locator("td").all_inner_texts()) for r in rows.all()]
    assert shown == [(d.isoformat(), str(n)) for d, n in expected]
    # The chart names its table, the accessible form of the same figures.
    assert chart.get_attribute("aria-describedby") == "t-daily"
    total = sum(n for _, n in expected)
    expect(page.get_by_text(f"{total} calls in the period.")).to_be_visible()
    top_row = page.locator("#t-top tbody tr").first
    expect(top_row).to_contain_text("SSA-Suspended-P2")
    ssa_calls = CallRecord.objects.filter(campaign=ssa).count()
    expect(top_row.locator("td").nth(1)).to_have_text(str(ssa_calls))
    page.screenshot(path=str(tmp_path / "trends-national.png"), full_page=True)


def test_itg_staff_confirm_rename_and_merge_detected_campaigns(page: Page, site, people, tmp_path):
    scripts = _scripts()[:3]
    one_of = add_calls(synthetic.planted(scripts, per_campaign=5, seed=4))
    services.detection_run_full()
    a, b = (campaign_of(one_of[label]) for label, _ in scripts[1:3])  # two SSA scripts
    assert a.pk != b.pk and a.status == b.status == DetectedCampaign.Status.PROPOSED

    page.set_default_timeout(120_000)  # a loaded shared machine: the first render pays imports
    log_in(page, site, people.ivy)
    page.goto(f"{site}/campaigns/detected/")
    page.locator(f'a[href="/campaigns/detected/{a.pk}/"]').first.click()
    expect(page.get_by_role("heading", name="Representative transcript")).to_be_visible()
    expect(page.locator("blockquote.transcript mark").first).to_be_visible()  # shared phrases highlighted
    page.get_by_label("Name", exact=True).fill("SSA-LegalEnforcement")
    page.get_by_label("Kind").select_option("ssa")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Campaign confirmed.")).to_be_visible()
    expect(page.get_by_role("heading", name="SSA-LegalEnforcement")).to_be_visible()

    rename = page.locator("form", has=page.get_by_role("heading", name="Rename"))
    rename.get_by_label("Name").fill("SSA-LegalEnforcement-P2")
    rename.get_by_role("button", name="Rename").click()
    expect(page.get_by_text("Renamed SSA-LegalEnforcement-P2.")).to_be_visible()
    expect(page.get_by_role("heading", name="SSA-LegalEnforcement-P2")).to_be_visible()
    page.screenshot(path=str(tmp_path / "detected-renamed.png"), full_page=True)

    page.goto(f"{site}/campaigns/detected/{b.pk}/")
    page.get_by_label("Merge this campaign's calls into").select_option(str(a.pk))
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("Merged into SSA-LegalEnforcement-P2.")).to_be_visible()
    expect(page).to_have_url(f"{site}/campaigns/detected/{a.pk}/")
    expect(page.get_by_text("10 call records, 0 traceback sample calls")).to_be_visible()
    expect(page.get_by_role("heading", name="Calls (10)")).to_be_visible()
    page.screenshot(path=str(tmp_path / "detected-merged.png"), full_page=True)

    a.refresh_from_db()
    assert (
        a.name == "SSA-LegalEnforcement-P2" and a.campaign.name == "SSA-LegalEnforcement-P2" and a.calls == 10
    )
    assert DetectedCampaign.objects.get(pk=b.pk).status == DetectedCampaign.Status.MERGED
    assert list(Decision.objects.order_by("at", "pk").values_list("action", flat=True)) == [
        "confirm",
        "rename",
        "merge",
    ]
    assert set(
        CallRecord.objects.filter(pk__in=[one_of[scripts[2][0]]]).values_list("campaign__name", flat=True)
    ) == {"SSA-LegalEnforcement-P2"}
