"""In a real browser: an auditor filters the trail with the keyboard, opens an event, downloads an export
that verifies offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from itg.audit.actions import Action
from itg.audit.services import record
from itg.audit.verify import summary, verify_export
from tests.factories import PASSWORD
from tests.test_auth import code_for

pytestmark = pytest.mark.browser


def test_an_auditor_filters_opens_an_event_and_exports(page: Page, site, people, tmp_path):
    record(action=Action.LOGIN_FAILED, actor_email="mallory@example.org", reason="wrong e-mail or password")
    page.goto(f"{site}/audit/")
    page.get_by_label("E-mail address").fill(people.aldo.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_label("Six-digit code").fill(code_for(people.aldo))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
    page.get_by_label("Person (e-mail)").fill("mallory@example.org")
    page.keyboard.press("Enter")  # the search works from the keyboard
    rows = page.locator("table.audit-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Login failed")
    rows.first.get_by_role("link").click()
    expect(page.get_by_text("matches")).to_be_visible()
    page.get_by_role("link", name="Audit trail").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON Lines (verifiable)").click()
    exported = tmp_path / "audit.jsonl"
    download.value.save_as(exported)
    with exported.open() as handle:
        assert summary(verify_export(handle)).startswith("OK ")
