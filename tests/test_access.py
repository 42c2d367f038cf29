"""Per-state access: an AG user sees their state's cases and those shared with their office, nothing else."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases.access import cases_visible_to
from cases.services import case_share, case_unshare
from itg.audit.models import AuditEvent
from tests.factories import make_case, verified_login


@pytest.fixture
def cases(people):
    return {"tx": make_case("TX", "Texas warranty calls"), "ca": make_case("CA", "California SSA calls")}


def api_as(user) -> APIClient:
    client = APIClient()
    verified_login(client, user)
    return client


def test_texas_user_gets_404_for_a_california_case_by_page_and_api(client, people, cases):
    verified_login(client, people.tess)
    assert client.get(cases["ca"].get_absolute_url()).status_code == 404
    assert api_as(people.tess).get(f"/api/cases/{cases['ca'].pk}/").status_code == 404
    # ...and 404 for an id that does not exist at all: ids reveal nothing.
    assert client.get("/cases/999999/").status_code == 404


def test_texas_user_does_not_see_the_california_case_in_any_list(client, people, cases):
    verified_login(client, people.tess)
    for url in ("/", "/cases/", "/cases/?q=California"):
        body = client.get(url).content.decode()
        assert "Texas warranty calls" in body or "q=California" in url
        assert "California SSA calls" not in body
    listed = api_as(people.tess).get("/api/cases/").json()
    assert [row["title"] for row in listed["results"]] == ["Texas warranty calls"]


def test_a_denied_view_is_recorded(client, people, cases):
    verified_login(client, people.tess)
    client.get(cases["ca"].get_absolute_url())
    event = AuditEvent.objects.get(action="case.view_denied")
    assert (event.actor_email, event.object_id, event.outcome) == (
        people.tess.email,
        str(cases["ca"].pk),
        "denied",
    )


def test_a_share_makes_the_case_visible_to_the_other_office_and_a_revoke_hides_it(client, people, cases):
    carl_case = cases["ca"]
    with pytest.raises(Exception, match="supervisor"):
        case_share(by=people.tess, case=carl_case, office=people.tess.office)
    ca_supervisor = people.ada  # an ITG administrator may share on the office's behalf
    case_share(by=ca_supervisor, case=carl_case, office=people.tess.office)
    verified_login(client, people.tess)
    page = client.get(carl_case.get_absolute_url())
    assert page.status_code == 200 and "California SSA calls" in page.content.decode()
    assert {c.title for c in cases_visible_to(people.tess)} == {
        "Texas warranty calls",
        "California SSA calls",
    }
    # Another office with no share still sees nothing.
    assert list(cases_visible_to(people.nora)) == []
    case_unshare(by=ca_supervisor, case=carl_case, office=people.tess.office)
    assert client.get(carl_case.get_absolute_url()).status_code == 404
    actions = list(AuditEvent.objects.filter(object_id=str(carl_case.pk)).values_list("action", flat=True))
    assert "case.shared" in actions and "case.unshared" in actions


def test_supervisor_shares_own_state_case_through_the_page(client, people, cases):
    verified_login(client, people.sam)
    response = client.post(f"/cases/{cases['tx'].pk}/share/", {"office": people.carl.office.pk})
    assert response.status_code == 302
    verified_login(client, people.carl)
    assert client.get(cases["tx"].get_absolute_url()).status_code == 200
    # A staff member (not a supervisor) cannot share.
    verified_login(client, people.tess)
    client.post(f"/cases/{cases['tx'].pk}/share/", {"office": people.nora.office.pk})
    assert not cases_visible_to(people.nora).exists()


def test_itg_staff_see_both_states(client, people, cases):
    for user in (people.ivy, people.ada):
        verified_login(client, user)
        body = client.get("/cases/").content.decode()
        assert "Texas warranty calls" in body and "California SSA calls" in body
        assert client.get(cases["ca"].get_absolute_url()).status_code == 200
        assert len(api_as(user).get("/api/cases/").json()["results"]) == 2


def test_auditors_see_no_matters(client, people, cases):
    verified_login(client, people.aldo)
    assert client.get("/cases/").status_code == 403
    assert client.get(cases["tx"].get_absolute_url()).status_code == 403
    assert api_as(people.aldo).get("/api/cases/").status_code == 403
    assert not cases_visible_to(people.aldo).exists()
    home = client.get("/").content.decode()
    assert "Audit trail" in home and "Texas warranty calls" not in home


@pytest.mark.parametrize(
    "url", ["/", "/cases/", "/cases/1/", "/accounts/users/", "/accounts/profile/", "/admin/"]
)
def test_anonymous_requests_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_api_requests_are_refused(db):
    response = APIClient().get("/api/cases/")
    assert response.status_code in (401, 403)
    assert "credentials" in response.json()["detail"].lower()


def test_case_list_queries_do_not_grow_with_cases(client, people, django_assert_max_num_queries):
    verified_login(client, people.ivy)
    for i in range(30):
        make_case("TX", f"Matter {i}")
    # session, user with office, otp device, count, page of cases with owners, unread notifications in the
    # header
    with django_assert_max_num_queries(6) as small:
        client.get("/cases/")
    for i in range(70):
        make_case("CA", f"Matter B{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/cases/")
    assert "100 cases" in response.content.decode()


def test_ag_case_list_query_count_is_constant_with_shares(client, people, django_assert_max_num_queries):
    verified_login(client, people.tess)
    for i in range(30):
        make_case("TX", f"Matter {i}")
    # as above, plus the office's shared-case ids inside the count and page queries (subqueries, not rows)
    with django_assert_max_num_queries(9) as small:
        client.get("/cases/")
    for i in range(30):
        case_share(by=people.ada, case=make_case("CA", f"Shared {i}"), office=people.tess.office)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get("/cases/").content.decode()
    assert "60 cases" in body


def test_object_permissions_have_one_answer_the_access_layers(people, cases):
    """The share is a guardian row, but no backend reads it: has_perm(perm, obj) never says yes where the
    access layer would (or the other way round), and nothing in the tree asks it."""
    import ast
    import re
    from pathlib import Path

    from django.conf import settings

    case_share(by=people.ada, case=cases["ca"], office=people.tess.office)
    assert cases["ca"] in cases_visible_to(people.tess)
    assert not people.tess.has_perm("cases.view_case", cases["ca"])
    assert not people.carl.has_perm("cases.view_case", cases["tx"])
    assert not any("guardian" in backend for backend in settings.AUTHENTICATION_BACKENDS)
    root = Path(__file__).resolve().parent.parent
    callers = []
    for app in ("itg", "cases", "subpoenas", "tracebacks", "providers"):
        for path in (root / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                called = node.func if isinstance(node, ast.Call) else None
                name = getattr(called, "attr", None) or getattr(called, "id", None)
                passes_on = isinstance(
                    getattr(called, "value", None), ast.Call
                )  # super().has_perm(perm, obj)
                with_object = name in {"has_perm", "has_perms"} and len(node.args) + len(node.keywords) > 1
                with_object = with_object and not passes_on
                if with_object or name in {"get_perms", "ObjectPermissionChecker", "get_objects_for_user"}:
                    callers.append(f"{path.relative_to(root)}:{node.lineno}")
    callers += [str(p) for p in (root / "templates").rglob("*.html") if re.search(r"perms\.", p.read_text())]
    assert callers == []


def test_a_denied_case_and_a_bad_id_answer_the_same_404(client, people, cases):
    verified_login(client, people.tess)
    for url in (cases["ca"].get_absolute_url(), "/cases/0/", "/cases/999999/"):
        response = client.get(url)
        assert response.status_code == 404 and b"it is not one you may see" in response.content
    assert AuditEvent.objects.filter(action="case.view_denied").count() == 2  # 0 names no case: not recorded
