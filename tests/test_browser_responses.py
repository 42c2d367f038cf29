"""In a real browser: ITG staff link evidence, render, sign and deliver; the AG downloads and verifies it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser import log_in
from tests.responses_helpers import in_progress_demand, make_completed_traceback, pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("dev_signing")]


def test_itg_links_renders_signs_delivers_and_the_ag_downloads_and_verifies(
    page: Page, site, people, tmp_path
):
    demand = in_progress_demand(phone_numbers=["+12145550142"])
    in_scope = make_completed_traceback(by=people.ivy)
    by_hand = make_completed_traceback(calling="+13125550111", by=people.ivy)

    log_in(page, site, people.ivy)
    page.goto(f"{site}/responses/demand/{demand.pk}/")
    page.get_by_role("button", name="Propose records from the scope").click()
    expect(page.get_by_text("Request 1: 1 tracebacks in scope.")).to_be_visible()
    page.get_by_label("Add a traceback").fill(f"TB-{by_hand.pk:07d}")
    page.get_by_role("button", name="Link").click()
    expect(page.get_by_role("cell", name=f"TB-{by_hand.pk:07d}", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name=f"TB-{in_scope.pk:07d}", exact=True)).to_be_visible()
    page.get_by_label("Responsive records produced").check()
    page.get_by_role("button", name="Save the answer").click()
    expect(page.get_by_text("Answer to request 1 saved.")).to_be_visible()
    page.get_by_role("button", name="Render and sign the response").click()  # signed by the task on commit
    expect(page.get_by_text("Signed, awaiting delivery")).to_be_visible()
    page.get_by_role("button", name="Deliver version 1").click()
    expect(page.get_by_text("Version 1 delivered; the issuing office is notified.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, site, people.tess)
    page.goto(f"{site}/responses/demand/{demand.pk}/")
    expect(
        page.get_by_role("cell", name=f"TB-{by_hand.pk:07d}", exact=True)
    ).to_be_visible()  # evidence, once delivered
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename == f"ITG-response-{demand.tracking_number}-v1.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    page.get_by_role("link", name="Verify").first.click()
    page.get_by_label("Signed PDF").set_input_files(saved)
    page.get_by_role("button", name="Verify").click()
    verdict = page.get_by_role("status").filter(has_text="Valid")
    expect(
        verdict.get_by_role("heading", name="Valid: an unaltered document issued by the ITG")
    ).to_be_visible()
    expect(verdict.get_by_role("link", name=f"Response to {demand.tracking_number}")).to_be_visible()
    expect(verdict.get_by_text("Industry Traceback Group (DEVELOPMENT")).to_be_visible()

    # The exhibits are tables: in the PDF's text each hop's provider, RMD number and times share one line.
    lines = pdf_text(saved.read_bytes(), tmp_path).splitlines()
    for tb in (in_scope, by_hand):
        for hop in tb.hops.select_related("provider"):
            asked, answered = (f"{t:%Y-%m-%d %H:%M}" for t in (hop.asked_at, hop.answered_at))
            row = [line for line in lines if hop.provider.business_name in line and asked in line]
            assert row and hop.provider.rmd_number in row[0] and answered in row[0], (hop, lines[:80])
    assert any("Provider (RMD number)" in line and "Answered (UTC)" in line for line in lines)
    page.screenshot(path=str(tmp_path / "verified.png"), full_page=True)

    # The verification page is public: logged out, the same file is checked, and the matter stays unnamed.
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Verify a signed document").click()
    page.get_by_label("Signed PDF").set_input_files(saved)
    page.get_by_role("button", name="Verify").click()
    public = page.get_by_role("status").filter(has_text="Valid")
    expect(
        public.get_by_role("heading", name="Valid: an unaltered document issued by the ITG")
    ).to_be_visible()
    expect(public.get_by_text(f"ITG-{demand.tracking_number}-000001")).to_be_visible()
    expect(public.get_by_role("link", name=f"Response to {demand.tracking_number}")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "public-verify.png"), full_page=True)
