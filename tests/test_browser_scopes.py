"""In a real browser (issue 13, must show): ITG staff select many proposed records at once (all, by filter,
invert) and remove them in one post instead of one reload per record."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from subpoenas.responses.models import EvidenceLink
from tests.browser import log_in
from tests.factories import make_campaign, make_provider
from tests.responses_helpers import in_progress_demand, make_completed_traceback

pytestmark = [pytest.mark.browser]


def test_itg_staff_select_many_proposed_records_at_once(page: Page, site, people, tmp_path):
    acme, ssa, irs = (
        make_provider("Acme Voice"),
        make_campaign("SSA-CalltheSSA"),
        make_campaign("IRS-Arrest", "irs"),
    )
    keep = [make_completed_traceback(called="+12145550142", campaign=ssa, providers=[acme]) for _ in range(2)]
    drop = [make_completed_traceback(called="+12145550142", campaign=irs, providers=[acme]) for _ in range(3)]
    demand = in_progress_demand(phone_numbers=[], called_numbers=["+12145550142"])

    log_in(page, site, people.ivy)
    page.goto(f"{site}/responses/demand/{demand.pk}/")
    page.get_by_role("button", name="Propose records from the scope").click()
    expect(page.get_by_text("Request 1: 5 tracebacks in scope.")).to_be_visible()
    expect(page.get_by_text("Tracebacks where the called number is +12145550142.")).to_be_visible()

    count = page.locator("[data-select-count]")
    expect(count).to_have_text("0 of 5 selected")
    page.get_by_role("button", name="Select all").click()
    expect(count).to_have_text("5 of 5 selected")
    page.get_by_role("button", name="Select none").click()
    page.get_by_label("Select rows containing").fill("SSA-CalltheSSA")
    page.get_by_label("Select rows containing").press("Enter")  # selects, never submits
    expect(count).to_have_text("2 of 5 selected")
    page.get_by_role("button", name="Invert selection").click()  # now the three IRS records
    expect(count).to_have_text("3 of 5 selected")
    for tb in drop:
        expect(page.get_by_label(f"Select TB-{tb.pk:07d}")).to_be_checked()
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.environ["SCREENSHOTS"], full_page=True)
    page.get_by_role("button", name="Remove the selected records").click()

    expect(page.get_by_text("Request 1: 3 records removed.")).to_be_visible()
    for tb in keep:
        expect(page.get_by_role("cell", name=f"TB-{tb.pk:07d}", exact=True)).to_be_visible()
    for tb in drop:
        expect(page.get_by_role("cell", name=f"TB-{tb.pk:07d}", exact=True)).to_have_count(0)
    assert set(EvidenceLink.objects.values_list("traceback_id", flat=True)) == {tb.pk for tb in keep}
