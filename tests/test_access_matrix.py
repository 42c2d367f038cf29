"""Every foundation page and endpoint, for every role and for a user of another state.

The case used is Texas's; carl (California) is the user of another state. Expected answers:
200 seen, 403 refused by role, 404 not visible (ids reveal nothing), 405 wrong method.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import make_case, verified_login

ROLES = ["tess", "sam", "carl", "ivy", "ada", "aldo"]

# url template -> expected status per person (tess TX staff, sam TX supervisor, carl CA staff,
# ivy ITG staff, ada ITG admin, aldo auditor)
PAGES = {
    "/": dict(tess=200, sam=200, carl=200, ivy=200, ada=200, aldo=200),
    "/cases/": dict(tess=200, sam=200, carl=200, ivy=200, ada=200, aldo=403),
    "/cases/new/": dict(tess=200, sam=200, carl=200, ivy=200, ada=200, aldo=403),
    "/cases/{case}/": dict(tess=200, sam=200, carl=404, ivy=200, ada=200, aldo=403),
    "/accounts/users/": dict(tess=403, sam=200, carl=403, ivy=403, ada=200, aldo=403),
    "/accounts/users/invite/": dict(tess=403, sam=200, carl=403, ivy=403, ada=200, aldo=403),
    "/accounts/users/{tess_id}/role/": dict(tess=403, sam=403, carl=403, ivy=403, ada=200, aldo=403),
    "/accounts/profile/": dict(tess=200, sam=200, carl=200, ivy=200, ada=200, aldo=200),
    "/admin/": dict(tess=302, sam=302, carl=302, ivy=302, ada=200, aldo=302),
}
API = {
    "/api/me/": dict(tess=200, sam=200, carl=200, ivy=200, ada=200, aldo=200),
    "/api/cases/": dict(tess=200, sam=200, carl=200, ivy=200, ada=200, aldo=403),
    "/api/cases/{case}/": dict(tess=200, sam=200, carl=404, ivy=200, ada=200, aldo=403),
}
POSTS = {
    # share with New York: only the lead state's supervisor and ITG administrators may
    "/cases/{case}/share/": (
        dict(office="{ny}"),
        dict(tess=403, sam=302, carl=404, ivy=403, ada=302, aldo=403),
    ),
    "/cases/{case}/assign/": (
        dict(owner="{ivy_id}"),
        dict(tess=403, sam=403, carl=403, ivy=302, ada=302, aldo=403),
    ),
}


@pytest.fixture
def ids(people):
    case = make_case("TX", "Texas matter")
    return {"case": case.pk, "tess_id": people.tess.pk, "ny": people.nora.office_id, "ivy_id": people.ivy.pk}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url", list(PAGES))
def test_pages(client, people, ids, url, who):
    verified_login(client, getattr(people, who))
    assert client.get(url.format(**ids)).status_code == PAGES[url][who]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url", list(API))
def test_api(people, ids, url, who):
    api = APIClient()
    verified_login(api, getattr(people, who))
    assert api.get(url.format(**ids)).status_code == API[url][who]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url", list(POSTS))
def test_posts(client, people, ids, url, who):
    from cases.access import cases_visible_to
    from cases.models import Case

    data, expected = POSTS[url]
    verified_login(client, getattr(people, who))
    response = client.post(url.format(**ids), {k: v.format(**ids) for k, v in data.items()})
    assert response.status_code == expected[who]
    case = Case.objects.get(pk=ids["case"])
    if url.endswith("share/"):
        shared = cases_visible_to(people.nora).filter(pk=case.pk).exists()
        assert shared == (who in ("sam", "ada"))
    else:
        assert (case.owner_id == people.ivy.pk) == (who in ("ivy", "ada"))
