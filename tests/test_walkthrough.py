"""Defects found by trying the portal as a new user would (issue 13, item 4): each test failed before its fix."""

from __future__ import annotations

import re

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
