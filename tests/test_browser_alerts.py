"""In a real browser: ITG staff review and send a drafted alert; Texas receives it, opens the packet and
starts a demand for the records from it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.alerts_helpers import SSA, drafted_alert
from tests.browser import log_in
from tests.factories import cached_pdf

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("dev_signing")]


def test_itg_sends_a_drafted_alert_and_texas_opens_the_packet_and_requests_the_records(
    page: Page, site, people, tmp_path
):
    alert = drafted_alert(people)

    log_in(page, site, people.ivy)
    page.goto(f"{site}/alerts/")
    page.get_by_role("link", name=alert.reference).click()
    expect(page.get_by_text("Office of the Attorney General of Texas (3 calls)")).to_be_visible()
    page.get_by_label("TX: the state's own statute").fill("Tex. Bus. & Com. Code ch. 304")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.get_by_role("button", name="Sign and send the alert").click()
    # Sending renders and signs the packet in the request: allow a loaded CI machine some seconds.
    expect(page.get_by_text(f"Alert {alert.reference} sent to OK, TX.")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Log out").click()

    log_in(page, site, people.tess)
    expect(page.get_by_role("link", name="Notifications")).to_contain_text("1")
    page.goto(f"{site}/notifications/")
    page.get_by_role("link", name=f"ITG alert {alert.reference}: SSA-Suspended-P2").click()
    expect(
        page.get_by_role("heading", name=f"{alert.reference}: SSA-Suspended-P2", exact=False)
    ).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the signed packet (PDF)").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF") and saved.name == f"{alert.reference}.pdf"
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged: the ITG sees that your office has the alert.")).to_be_visible()

    page.get_by_role("link", name="Request the records").click()
    (tmp_path / "subpoena.pdf").write_bytes(cached_pdf())
    page.get_by_label("The signed subpoena or CID (PDF)").set_input_files(tmp_path / "subpoena.pdf")
    page.get_by_role("button", name="Continue to the review").click()
    expect(page.locator("textarea[name='req-0-phone_numbers']")).to_contain_text(SSA)
    expect(page.locator("input[name='req-0-date_from']")).to_have_value("2026-01-19")
    expect(page.locator("input[name='req-0-date_to']")).to_have_value("2026-01-25")
    expect(page.locator("input[name='req-0-campaigns']")).to_have_value("SSA-Suspended-P2")
