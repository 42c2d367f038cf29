"""Helpers for the Playwright tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.test_auth import code_for


def log_in(page: Page, site: str, user) -> None:
    """Log in through the real pages: password, then the current TOTP code."""
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Six-digit code").fill(code_for(user))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
