"""Defects found by trying the portal as a new user would (issue 13, item 4): each test failed before its fix."""

from __future__ import annotations

import re

from django.http import HttpResponse

from tests.factories import verified_login


def test_redoc_runs_under_the_content_security_policy(client, people):
    verified_login(client, people.tess)
    response = client.get("/api/redoc/")
    page = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert response.status_code == 200 and inline_scripts == []  # blocked by script-src 'self'
    assert "googleapis" not in page and "redoc.standalone.js" in page and "<redoc spec-url=" in page
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "worker-src 'self' blob:" in policy
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    # Only this page is relaxed.
    assert "'unsafe-inline'" not in client.get("/demands/")["Content-Security-Policy"]


def test_the_admin_refuses_a_signed_in_non_administrator_once_instead_of_looping(client, people):
    verified_login(client, people.tess)
    first = client.get("/admin/")
    assert first.status_code == 302 and first["Location"] == "/admin/login/?next=/admin/"
    refused = client.get(first["Location"])
    assert refused.status_code == 403  # was a redirect to the portal's login, and back, forever


def test_an_administrator_back_from_the_login_reaches_the_page_asked_for(client, people):
    verified_login(client, people.ada)
    response = client.get("/admin/login/?next=/admin/accounts/")
    assert response.status_code == 302 and response["Location"] == "/admin/accounts/"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"


def _dangling_describedby(page: str) -> set[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    wanted = {i for value in re.findall(r'aria-describedby="([^"]+)"', page) for i in value.split()}
    return {i for i in wanted if i not in ids and "__prefix__" not in i}


def test_aria_describedby_points_at_ids_on_the_page(client, people):
    from tests.factories import make_demand, pdf_bytes

    demand = make_demand("TX", by=people.tess)
    verified_login(client, people.tess)
    from django.core.files.uploadedfile import SimpleUploadedFile

    review = client.post("/demands/new/", {"document": SimpleUploadedFile("s.pdf", pdf_bytes())})["Location"]
    pages = ["/demands/new/", review, demand.get_absolute_url(), "/cases/new/", "/accounts/profile/"]
    verified_login(client, people.ivy)
    itg_pages = [demand.get_absolute_url(), "/tracebacks/new/"]
    for user, urls in ((people.tess, pages), (people.ivy, itg_pages)):
        verified_login(client, user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert _dangling_describedby(response.content.decode()) == set(), url


def test_withdraw_is_not_the_requesters_first_action(client, people):
    from tests.factories import make_demand

    demand = make_demand("TX", by=people.tess)
    verified_login(client, people.tess)
    page = client.get(demand.get_absolute_url()).content.decode()
    buttons = re.findall(r'<button type="submit" name="action" value="(\w+)"', page)
    assert buttons == ["withdraw"] and 'id="grave-actions"' in page
    assert page.index('id="grave-actions"') > page.index(
        "<h2>The demand</h2>"
    )  # after the demand, not above it
    assert (
        '<section class="card" aria-labelledby="actions-h">' not in page
    )  # no top "Actions" with only withdraw


def test_a_one_byte_change_is_reported_as_an_alteration_not_as_an_untrusted_signer(db, dev_signing):
    from subpoenas.responses.verification import document_verify
    from tests.responses_helpers import flip_one_byte, issue_small_document

    _, pdf = issue_small_document()
    reasons = document_verify(flip_one_byte(pdf)).reasons
    assert any("altered after it was signed" in r for r in reasons)
    assert not any("chain to the ITG's trust root" in r for r in reasons), reasons
    assert not any("cryptographically invalid" in r for r in reasons), reasons


def test_error_pages_are_the_portals_own_under_production_settings(client, people, settings):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    settings.DEBUG = False
    verified_login(client, people.tess)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
    assert 'href="/static/css/itg.css"' in missing.content.decode() or "itg.css" in missing.content.decode()
    client.get("/admin/")
    refused = client.get("/admin/login/?next=/admin/")
    assert refused.status_code == 403 and "for ITG administrators only" in refused.content.decode()
    broken = server_error(RequestFactory().get("/"))
    assert broken.status_code == 500 and "Something went wrong on our side" in broken.content.decode()
    assert "itg.css" in broken.content.decode()


def test_an_idle_logout_says_why_on_the_login_page(client, people, settings):
    """The session ends silently after SESSION_COOKIE_AGE without a request; the login page says why."""
    import time

    from itg.accounts.middleware import LAST_SEEN_COOKIE, LAST_SEEN_SALT

    verified_login(client, people.tess)
    assert client.get("/demands/").status_code == 200
    assert LAST_SEEN_COOKIE in client.cookies  # refreshed by every signed-in request
    # 31 minutes later: the browser has dropped the expired session cookie; the marker is still there.
    client.cookies.pop(settings.SESSION_COOKIE_NAME)
    stale = HttpResponse()
    stale.set_signed_cookie(LAST_SEEN_COOKIE, str(int(time.time()) - 31 * 60), salt=LAST_SEEN_SALT)
    client.cookies[LAST_SEEN_COOKIE] = stale.cookies[LAST_SEEN_COOKIE].value

    page = client.get("/demands/", follow=True)
    text = page.content.decode()
    assert page.redirect_chain[-1][0].startswith("/accounts/login/?next=/demands/")
    assert "You were logged out after 30 minutes without activity" in text
    assert "You were logged out after" not in client.get("/accounts/login/").content.decode()  # said once


def test_a_logout_is_not_reported_as_idleness(client, people):
    verified_login(client, people.tess)
    client.get("/demands/")
    page = client.post("/accounts/logout/", follow=True).content.decode()
    assert "You are logged out." in page and "without activity" not in page and "session ended" not in page


def test_a_session_ended_elsewhere_is_not_called_idle(client, people, settings):
    verified_login(client, people.tess)
    client.get("/demands/")
    client.cookies.pop(settings.SESSION_COOKIE_NAME)  # e.g. logged out in another window, 1 minute ago
    text = client.get("/demands/", follow=True).content.decode()
    assert "Your session ended: you were logged out in another window" in text
    assert "without activity" not in text
