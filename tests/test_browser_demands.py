"""In a real browser: a Texas AG user submits a subpoena, the ITG works it, a clarification pauses the clock,
and a California user can reach it by no door (page, API, search, calendar feed, download URL)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from itg.calendar import extend_by_pause, fmt_date
from subpoenas.models import DeadlineEvent, LegalDemand
from tests.browser import log_in
from tests.factories import cached_pdf

pytestmark = pytest.mark.browser


def submit_subpoena(page: Page, site: str, pdf: bytes) -> None:
    page.goto(f"{site}/demands/new/")
    page.set_input_files(
        "#id_document", files=[{"name": "subpoena.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", name="Submit a demand: 2. check and submit")).to_be_visible()
    # The two requests were read from the PDF and prefilled.
    expect(page.locator("#id_req-0-text")).to_have_value(
        "All call detail records for calls from (214) 555-0142 between 01/05/2026 and 02/10/2026."
    )
    expect(page.locator("#id_req-1-phone_numbers")).to_have_value("+14695550199")
    page.get_by_label("New case title").fill("Lone Star warranty calls")
    page.get_by_label("Caption").fill("In re Lone Star Dialers LLC")
    page.get_by_label("Issuing authority").fill("Consumer Protection Division")
    served = (timezone.now() - timedelta(days=10)).date()
    page.get_by_label("Date issued").fill(served.isoformat())
    page.get_by_label("Date served").fill(served.isoformat())
    page.get_by_label("Return date").fill("")
    page.get_by_label("Response period (days)").fill("30")
    page.get_by_label("Counted in").select_option("business")
    page.get_by_role("button", name="Submit the demand").click()


def test_a_subpoena_from_intake_to_clarification_and_a_california_user_sees_nothing(
    page: Page, browser, site, people
):
    pdf = cached_pdf()
    log_in(page, site, people.tess)
    submit_subpoena(page, site, pdf)
    expect(page.get_by_role("heading", name="Receipt")).to_be_visible()
    expect(page.get_by_text(hashlib.sha256(pdf).hexdigest())).to_be_visible()
    demand = LegalDemand.objects.get()
    expect(page.locator("#tracking-number")).to_have_text(demand.tracking_number)
    assert demand.requests.count() == 2

    # The ITG finds it in the queue, starts review, asks for a clarification.
    itg = browser.new_context().new_page()
    log_in(itg, site, people.ivy)
    itg.goto(f"{site}/demands/")
    itg.get_by_role("link", name=demand.tracking_number).click()
    itg.get_by_role("button", name="Start review").click()
    expect(itg.locator("#status")).to_have_text("In review")
    itg.locator("#id_note").fill("Which of the two numbers do you need first?")
    itg.get_by_role("button", name="Ask for a clarification").click()
    expect(itg.locator("#status")).to_have_text("Awaiting requester")

    # The question was asked a week ago (the clock has been stopped since then).
    asked = timezone.now() - timedelta(days=7)
    DeadlineEvent.objects.filter(demand=demand, kind="paused").update(at=asked)
    LegalDemand.objects.filter(pk=demand.pk).update(paused_since=asked)
    before = LegalDemand.objects.get().due_date

    # The AG user answers; the due date moves by the business days the clock stood still.
    page.goto(f"{site}{demand.get_absolute_url()}")
    expect(
        page.locator(".message-item").get_by_text("Which of the two numbers do you need first?")
    ).to_be_visible()
    page.locator("#id_note").fill("The 214 number first, please.")
    page.get_by_role("button", name="Answer the clarification").click()
    expect(page.locator("#status")).to_have_text("In progress")
    expected = extend_by_pause(before, asked, timezone.now(), "TX").due_date
    assert expected > before
    expect(page.locator("#due-date")).to_contain_text(expected.strftime("%-d %B %Y").lstrip("0"))
    expect(page.locator("#due-explanation")).to_contain_text(f"due date {fmt_date(before)} moved")

    # A California user: page, API, search, calendar feed and download URL all say nothing.
    carl = browser.new_context().new_page()
    log_in(carl, site, people.carl)
    doc = demand.documents.get()
    for path in (demand.get_absolute_url(), f"/demands/{demand.pk}/receipt/", f"/demands/{demand.pk}/documents/{doc.pk}/",
                 f"/api/demands/{demand.pk}/", f"/api/demands/{demand.pk}/documents/{doc.pk}/"):  # fmt: skip
        assert carl.request.get(f"{site}{path}").status == 404, path
    listed = carl.request.get(f"{site}/api/demands/?q={demand.tracking_number}").json()
    assert listed["results"] == []
    carl.goto(f"{site}/demands/?q={demand.tracking_number}")
    expect(carl.get_by_text("0 demands")).to_be_visible()
    expect(carl.get_by_role("link", name=demand.tracking_number)).to_have_count(0)
    carl.goto(f"{site}/demands/calendar/")
    carl.get_by_role("button", name="Make a feed address").click()
    feed = carl.request.get(carl.locator("#feed-url").inner_text()).text()
    assert "BEGIN:VCALENDAR" in feed and demand.tracking_number not in feed
