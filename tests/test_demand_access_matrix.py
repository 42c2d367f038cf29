"""Every demand page and endpoint, for every role and for a user of another state (carl, California).

The demand is Texas's. 200 seen, 302 done and redirected, 400 refused input, 403 refused by role,
404 not visible (ids reveal nothing).
"""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from subpoenas.services import extension_ask
from tests.factories import make_demand, verified_login

ROLES = ["tess", "sam", "carl", "ivy", "ada", "aldo"]
ALL = dict(tess=200, sam=200, carl=200, ivy=200, ada=200, aldo=200)
MATTER = dict(tess=200, sam=200, carl=200, ivy=200, ada=200, aldo=403)
TEXAS = dict(tess=200, sam=200, carl=404, ivy=200, ada=200, aldo=403)
AG_ONLY = dict(tess=200, sam=200, carl=200, ivy=403, ada=403, aldo=403)

PAGES = {
    "/demands/": MATTER,
    "/demands/?q=214-555-0142&status=open&due=week&sort=-received": MATTER,
    "/demands/new/": AG_ONLY,
    "/demands/calendar/": MATTER,
    "/demands/{demand}/": TEXAS,
    "/demands/{demand}/receipt/": TEXAS,
    "/demands/{demand}/receipt.pdf": TEXAS,
    "/demands/{demand}/documents/{doc}/": TEXAS,
    "/notifications/": ALL,
}
API = {
    "/api/demands/": MATTER,
    "/api/demands/{demand}/": TEXAS,
    "/api/demands/{demand}/documents/{doc}/": TEXAS,
    "/api/cases/{case}/messages/": TEXAS,
    "/api/notifications/": ALL,
    "/api/demands/counts/": MATTER,
    "/api/demands/{demand}/receipt/": TEXAS,
}
POSTS = {
    # (page or API, data, expected)
    "/demands/{demand}/transition/": ({"action": "start_review"}, dict(tess=403, sam=403, carl=404, ivy=302, ada=302, aldo=403)),
    "/demands/{demand}/extension/": ({"ext-requested_date": "2026-06-01"}, dict(tess=403, sam=403, carl=403, ivy=302, ada=302, aldo=403)),
    "/demands/{demand}/extension/{asked}/": ({"answer-grant": "0"}, dict(tess=302, sam=302, carl=404, ivy=403, ada=403, aldo=403)),
    "/cases/{case}/messages/": ({"body": "Hello"}, dict(tess=302, sam=302, carl=404, ivy=302, ada=302, aldo=403)),
    "/api/demands/{demand}/transition/": ({"action": "start_review"}, dict(tess=403, sam=403, carl=404, ivy=200, ada=200, aldo=403)),
    "/api/demands/{demand}/extensions/": ({"requested_date": "2026-06-01"}, dict(tess=403, sam=403, carl=404, ivy=201, ada=201, aldo=403)),
    "/api/demands/{demand}/extensions/{asked}/answer/": ({"grant": False}, dict(tess=200, sam=200, carl=404, ivy=403, ada=403, aldo=403)),
    "/api/demands/": ({}, dict(tess=400, sam=400, carl=400, ivy=403, ada=403, aldo=403)),
    "/api/demands/extract/": ({}, dict(tess=400, sam=400, carl=400, ivy=403, ada=403, aldo=403)),
    "/api/cases/{case}/messages/": ({"body": "Hello"}, dict(tess=201, sam=201, carl=404, ivy=201, ada=201, aldo=403)),
    "/api/demands/calendar-feed/": ({}, dict(tess=201, sam=201, carl=201, ivy=201, ada=201, aldo=403)),
    "/api/demands/calendar-feed/revoke/": ({}, dict(tess=204, sam=204, carl=204, ivy=204, ada=204, aldo=403)),
    "/api/notifications/read/": ({}, dict(tess=200, sam=200, carl=200, ivy=200, ada=200, aldo=200)),
    "/demands/calendar/": ({}, dict(tess=302, sam=302, carl=302, ivy=302, ada=302, aldo=403)),
    "/notifications/": ({}, dict(tess=302, sam=302, carl=302, ivy=302, ada=302, aldo=302)),
}  # fmt: skip


@pytest.fixture
def ids(people):
    demand = make_demand("TX", "In re Lone Star Dialers", by=people.tess)
    asked = extension_ask(demand=demand, by=people.ivy, requested_date=date(2026, 5, 1))
    return {"demand": demand.pk, "doc": demand.documents.get().pk, "case": demand.case_id, "asked": asked.pk}


def client_for(client, user, url):
    if url.startswith("/api/"):
        client = APIClient()
    verified_login(client, user)
    return client


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url", list(PAGES) + list(API))
def test_get(client, people, ids, url, who):
    expected = {**PAGES, **API}[url][who]
    assert client_for(client, getattr(people, who), url).get(url.format(**ids)).status_code == expected


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url", list(POSTS))
def test_post(client, people, ids, url, who):
    data, expected = POSTS[url]
    c = client_for(client, getattr(people, who), url)
    kwargs = (
        {"format": "json"}
        if url.startswith("/api/") and "demands/" in url and not url.endswith("/api/demands/")
        else {}
    )
    if url.endswith("/api/demands/") or url.endswith("/extract/"):
        kwargs = {"format": "multipart"}
    assert c.post(url.format(**ids), data, **kwargs).status_code == expected[who]
