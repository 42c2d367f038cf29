"""In a real browser: a Texas AG user uploads a CID whose return date is a period after service, and sees the
period read from the PDF, the due date computed with Texas's calendar and explained, before submitting."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from subpoenas.models import LegalDemand
from tests.browser import log_in
from tests.factories import pdf_bytes

pytestmark = pytest.mark.browser

CID = """OFFICE OF THE ATTORNEY GENERAL OF TEXAS
Consumer Protection Division
CIVIL INVESTIGATIVE DEMAND
Pursuant to Tex. Bus. & Com. Code § 17.61, produce the documents below within thirty (30) days of service.
Date issued: March 2, 2026
Date of service: March 4, 2026
REQUEST NO. 1: All traceback records for calls placed from (214) 555-0142 between January 5, 2026 and February 10, 2026.
Dated: March 2, 2026
Rebecca Lowe, Assistant Attorney General, (512) 936-1697
"""


def test_a_period_after_service_is_read_computed_and_explained(page: Page, site, people):
    log_in(page, site, people.tess)
    page.goto(f"{site}/demands/new/")
    page.set_input_files(
        "#id_document", files=[{"name": "cid.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(CID)}]
    )
    page.get_by_role("button", name="Upload and continue").click()
    reading = page.locator("#reading")
    # 4 March 2026 + 30 calendar days = Friday 3 April 2026, Good Friday in Texas: moved to Monday 6 April.
    row = reading.locator("tr[data-field=response_days]")
    expect(row).to_contain_text("Due 6 April 2026: 30 calendar days from 4 March 2026")
    expect(row).to_contain_text("Good Friday (TX)")
    expect(row).to_contain_text("page 1")
    expect(page.get_by_label("Response period (days)")).to_have_value("30")
    expect(page.get_by_label("Counted in")).to_have_value("calendar")
    expect(page.get_by_label("Kind")).to_have_value("cid")
    expect(page.get_by_label("Date served")).to_have_value("2026-03-04")
    expect(page.get_by_label("Return date")).to_have_value("")
    # "calls placed from" makes it the calling number; the signer's number is not a scope at all.
    expect(page.locator("#id_req-0-calling_numbers")).to_have_value("+12145550142")
    expect(page.locator("#id_req-0-phone_numbers")).to_have_value("")
    page.get_by_label("New case title").fill("Texas warranty calls")
    page.get_by_label("Caption").fill("In re Lone Star Dialers LLC")
    page.get_by_role("button", name="Submit the demand").click()
    expect(page.get_by_role("heading", name="Receipt")).to_be_visible()
    demand = LegalDemand.objects.get()
    assert (demand.response_days, demand.response_day_kind, demand.kind) == (30, "calendar", "cid")
    assert demand.due_date.isoformat() == "2026-04-06"
    expect(page.get_by_text("30 calendar days from").first).to_be_visible()
