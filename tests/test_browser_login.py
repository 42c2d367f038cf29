"""In a real browser: log in with a password and a TOTP code, and land on the role's home page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, make_case
from tests.test_auth import code_for

pytestmark = pytest.mark.browser


def test_itg_user_logs_in_with_password_and_code_and_sees_their_home(page: Page, site, people):
    make_case("TX", "Warranty robocalls into Dallas")
    page.goto(f"{site}/cases/")
    expect(page).to_have_url(f"{site}/accounts/login/?next=/cases/")
    page.get_by_label("E-mail address").fill(people.ivy.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Six-digit code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is wrong")).to_be_visible()
    page.wait_for_timeout(1100)  # django-otp makes a second try wait a second after a wrong code
    page.get_by_label("Six-digit code").fill(code_for(people.ivy))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{site}/cases/")
    expect(page.get_by_role("link", name="Warranty robocalls into Dallas")).to_be_visible()
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="ITG compliance")).to_be_visible()


def test_ag_user_home_shows_their_office(page: Page, site, people):
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("E-mail address").fill(people.tess.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")  # keyboard use works without a mouse
    page.get_by_label("Six-digit code").fill(code_for(people.tess))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Office of the Attorney General of Texas")).to_be_visible()
