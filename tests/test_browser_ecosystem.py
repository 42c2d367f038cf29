"""In a real browser: ITG staff open the scorecard, drill into a provider's findings and its evidence, see
its neighbourhood drawn as a graph, and send a signed notice letter that the provider, holding only the
e-mailed link, then acknowledges; the provider's page and the audit trail show it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from itg.audit.models import AuditEvent
from tests import ecosystem_world
from tests.browser import log_in
from tracebacks.ecosystem.models import NoticeLetter

pytestmark = pytest.mark.browser


def test_itg_staff_drill_from_the_scorecard_to_a_providers_neighbourhood_and_send_a_notice_it_acknowledges(
    page: Page, browser: Browser, site, people, dev_signing, tmp_path
):
    cache.clear()
    w = ecosystem_world.build()
    page.set_default_timeout(60_000)  # the first render of a page pays the template and import costs
    log_in(page, site, people.ivy)
    page.goto(f"{site}/ecosystem/")
    expect(page.get_by_role("heading", name="Non-cooperative providers")).to_be_visible()
    page.get_by_label("Criterion").select_option("c")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Forgetful Networks")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "scorecard.png"), full_page=True)
    page.get_by_role("link", name="Port of Entry Voice").click()
    expect(page.get_by_role("heading", name="Port of Entry Voice")).to_be_visible()
    expect(page.get_by_text("does not declare the gateway role")).to_be_visible()
    hops = page.get_by_role("table", name="3 supporting hops")
    expect(hops.get_by_role("row")).to_have_count(4)  # header and the 3 supporting hops
    expect(page.get_by_role("table", name="Letters to or about this provider")).to_contain_text(
        "No notice letter sent."
    )
    page.get_by_role("link", name="Neighbourhood graph").click()
    graph = page.get_by_role("img", name="Neighbourhood of Port of Entry Voice")
    expect(graph).to_be_visible()
    expect(graph).to_contain_text("Middle Transit Corp")
    expect(graph).to_contain_text("Overseas Voice Ltd")
    table = page.get_by_role("table", name="The same edges as a table")
    expect(table.get_by_role("row").filter(has_text="Overseas Voice Ltd")).to_contain_text(
        "Port of Entry Voice"
    )
    expect(table.get_by_role("row").filter(has_text="Middle Transit Corp").first).to_contain_text(
        "Port of Entry Voice"
    )
    page.screenshot(path=str(tmp_path / "neighbourhood.png"), full_page=True)
    page.get_by_role("link", name="Findings").click()
    letter = send_the_notice(page, w)
    acknowledge_as_the_provider(browser, site, letter)
    page.get_by_role("link", name="Port of Entry Voice").last.click()  # "About": back to its findings
    expect(page.get_by_role("heading", name="Port of Entry Voice")).to_be_visible()
    row = (
        page.get_by_role("table", name="Letters to or about this provider")
        .get_by_role("row")
        .filter(has_text=letter.reference)
    )
    expect(row).to_contain_text(f"acknowledged {timezone.now():%Y-%m-%d}")
    expect(row).not_to_contain_text("not acknowledged")
    page.get_by_role("link", name=letter.reference).click()
    expect(page.get_by_text("Receipt acknowledged")).to_contain_text(
        "by Pat Lee, General Counsel through the e-mailed link"
    )
    see_it_in_the_audit_trail(browser, site, people, letter)
    cache.clear()


def send_the_notice(page: Page, w) -> NoticeLetter:
    """From the provider's findings: sign and send its notice; the letter's page says it was signed and
    e-mailed, and the e-mail carries the signed PDF and the acknowledgement link."""
    page.get_by_role("link", name="Send a notice letter").click()
    expect(page.get_by_role("heading", name="Notice letters: Port of Entry Voice")).to_be_visible()
    expect(page.get_by_label("A notice letter to the provider")).to_be_checked()
    page.get_by_role("button", name="Sign and send").click()
    expect(page.get_by_text("1 signed letter sent: ")).to_contain_text("to Port of Entry Voice")
    letter = NoticeLetter.objects.get()
    assert (letter.provider, letter.kind, letter.criteria) == (w.pc, "notice", ["c"])
    page.get_by_role("table", name="Letters sent to this provider").get_by_role(
        "link", name=letter.reference
    ).click()
    expect(page.get_by_role("heading", name=f"Notice letter {letter.reference}")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(f"e-mailed to {w.pc.traceback_email} with the signed PDF attached")
    expect(facts).to_contain_text(f"Bates {letter.reference}-000001")
    expect(facts).to_contain_text("development signature")  # the throwaway CA, and the page says so
    expect(facts).to_contain_text("Not yet acknowledged")
    expect(page.locator(".letter-text")).to_contain_text("US gateway")
    [message] = mail.outbox
    assert message.to == [w.pc.traceback_email] and letter.reference in message.subject
    [(name, pdf, kind)] = message.attachments
    assert (name, kind, pdf[:5]) == (f"{letter.reference}.pdf", "application/pdf", b"%PDF-")
    return letter


def acknowledge_as_the_provider(browser: Browser, site: str, letter: NoticeLetter) -> None:
    """A fresh browser, no login: the provider's counsel opens the link from the e-mail and acknowledges."""
    token = re.search(r"/respond/letters/([^/\s]+)/", mail.outbox[0].body).group(1)
    context = browser.new_context()
    provider = context.new_page()
    provider.set_default_timeout(60_000)
    provider.goto(f"{site}/respond/letters/{token}/")
    expect(provider.get_by_role("heading", name=f"Letter {letter.reference}")).to_be_visible()
    expect(provider.get_by_role("button", name="Log out")).to_have_count(0)
    provider.get_by_label("Your name and title").fill("Pat Lee, General Counsel")
    provider.get_by_role("button", name="Acknowledge receipt").click()
    expect(provider.get_by_role("status")).to_contain_text(
        f"Receipt of letter {letter.reference} was recorded"
    )
    provider.goto(f"{site}/respond/letters/{token}/")  # one-time: the link now only says it was done
    expect(provider.get_by_role("status")).to_contain_text("by Pat Lee, General Counsel")
    expect(provider.get_by_role("button", name="Acknowledge receipt")).to_have_count(0)
    context.close()


def see_it_in_the_audit_trail(browser: Browser, site: str, people, letter: NoticeLetter) -> None:
    """An ITG administrator (ITG staff who read the trail) finds the acknowledgement, made through the link."""
    context = browser.new_context()
    admin = context.new_page()
    admin.set_default_timeout(60_000)
    log_in(admin, site, people.ada)
    admin.goto(f"{site}/audit/")
    admin.get_by_label("Action").select_option("letter.acknowledged")
    admin.get_by_role("button", name="Search").click()
    rows = admin.locator("table.audit-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"Notice letter {letter.reference}")
    expect(rows.first).to_contain_text(f"link:{letter.to_email}")
    context.close()
    event = AuditEvent.objects.get(action="letter.acknowledged")
    assert event.changes == {"by": [None, "Pat Lee, General Counsel"], "via": [None, "link"]}
