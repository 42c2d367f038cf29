"""One filter language per list (issue 14, item 3): the page and the API of the demand queue, the case list
and the traceback list read the same parameters through one FilterSet, and the schema documents them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.services import case_assign
from subpoenas.models import LegalDemand
from tests.factories import make_case, make_demand, make_provider, start_traceback, verified_login


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def queue(people):
    """Three Texas demands: one overdue, one due in three days, one due in two months (and delivered)."""
    now = timezone.now()
    late, soon, later = (
        make_demand("TX", caption, by=people.tess) for caption in ("Late one", "Soon one", "Later one")
    )
    LegalDemand.objects.filter(pk=late.pk).update(due_at=now - timedelta(days=2))
    LegalDemand.objects.filter(pk=soon.pk).update(due_at=now + timedelta(days=3))
    LegalDemand.objects.filter(pk=later.pk).update(due_at=now + timedelta(days=60), status="delivered")
    case_assign(case=soon.case, owner=people.ivy, by=people.ada)
    return {"late": late, "soon": soon, "later": later}


def _page_captions(client, params) -> set[str]:
    body = client.get("/demands/", params).content.decode()
    return {c for c in ("Late one", "Soon one", "Later one") if c in body}


def _api_captions(client, params) -> set[str]:
    response = client.get("/api/demands/", params)
    assert response.status_code == 200, response.content
    return {row["caption"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"due": "overdue"}, {"Late one"}),
        ({"due": "week"}, {"Soon one"}),
        ({"status": "open"}, {"Late one", "Soon one"}),
        ({"open": "false"}, {"Later one"}),
        ({"owner": "me"}, {"Soon one"}),
        ({"owner": "none"}, {"Late one", "Later one"}),
        ({"q": "later"}, {"Later one"}),
        ({"state": "tx", "due": "30"}, {"Soon one"}),
    ],
)
def test_the_queue_page_and_the_api_read_the_same_parameters(client, people, queue, params, expected):
    verified_login(client, people.ivy)
    assert _page_captions(client, params) == expected
    assert _api_captions(_api(people.ivy), params) == expected


def test_exact_due_instants_work_on_the_page_too(client, people, queue):
    verified_login(client, people.ivy)
    cutoff = (timezone.now() + timedelta(days=10)).isoformat()
    assert _page_captions(client, {"due_before": cutoff}) == {"Late one", "Soon one"}
    assert _api_captions(_api(people.ivy), {"due_after": cutoff}) == {"Later one"}


def test_sort_orders_the_api_as_the_page(client, people, queue):
    rows = _api(people.ivy).get("/api/demands/", {"sort": "-due"}).json()["results"]
    assert [r["caption"] for r in rows] == ["Later one", "Soon one", "Late one"]
    verified_login(client, people.ivy)
    body = client.get("/demands/", {"sort": "-due"}).content.decode()
    assert body.index("Later one") < body.index("Soon one") < body.index("Late one")


@pytest.mark.parametrize(
    "param, value", [("due", "someday"), ("owner", "bob"), ("sort", "caption"), ("status", "lost")]
)
def test_a_bad_filter_value_is_a_400_naming_it_on_page_and_api(client, people, queue, param, value):
    verified_login(client, people.ivy)
    page = client.get("/demands/", {param: value})
    assert page.status_code == 400 and param in page.content.decode()
    api = _api(people.ivy).get("/api/demands/", {param: value})
    assert api.status_code == 400 and param in api.json()


def test_an_ag_user_filters_only_what_the_access_layer_shows(client, people, queue):
    make_demand("CA", "California one", by=people.carl)
    assert _api_captions(_api(people.carl), {"status": "open"}) == {"California one"}
    assert _api_captions(_api(people.carl), {"state": "TX"}) == set()


def test_the_case_list_takes_state_or_its_older_api_name(client, people):
    make_case("TX", "Texas matter", by=people.ivy)
    make_case("CA", "California matter", by=people.ivy)
    verified_login(client, people.ivy)
    for params in ({"state": "ca"}, {"lead_state": "CA"}):
        body = client.get("/cases/", params).content.decode()
        assert "California matter" in body and "Texas matter" not in body
        rows = _api(people.ivy).get("/api/cases/", params).json()["results"]
        assert [r["title"] for r in rows] == ["California matter"]
    assert client.get("/cases/", {"owner": "whoever"}).status_code == 400


@pytest.fixture
def traces(people):
    acme, beta = make_provider("Acme Voice"), make_provider("Beta Telecom")
    one = start_traceback(people.ivy, acme, calling="+12025550143")
    two = start_traceback(people.ivy, beta, calling="+12025550177")
    return {"acme": acme, "beta": beta, "one": one, "two": two}


def test_the_traceback_page_and_api_filter_alike(client, people, traces):
    verified_login(client, people.ivy)
    for params in (
        {"provider": "Acme Voice"},
        {"provider": str(traces["acme"].pk)},
        {"number": "202-555-0143"},
    ):
        rows = _api(people.ivy).get("/api/tracebacks/", params).json()["results"]
        assert [r["id"] for r in rows] == [traces["one"].pk], params
        assert rows[0]["calling_number"] == "+12025550143" and rows[0]["campaign"] == "SSA-CalltheSSA"
        page = client.get("/tracebacks/", params)
        assert page.context["page"].paginator.count == 1
        assert list(page.context["page"].object_list) == [traces["one"]]


def test_words_naming_no_provider_are_an_error_beside_the_box_and_a_400_in_the_api(client, people, traces):
    verified_login(client, people.ivy)
    page = client.get("/tracebacks/", {"provider": "Nobody Known"})
    assert page.status_code == 200
    assert "No registered provider matches" in page.content.decode()
    assert page.context["page"].paginator.count == 0
    api = _api(people.ivy).get("/api/tracebacks/", {"provider": "Nobody Known"})
    assert api.status_code == 400 and "No registered provider matches" in api.json()["provider"][0]
    assert client.get("/tracebacks/", {"date_from": "2026-02-30"}).status_code == 400


def test_the_traceback_api_is_for_itg_staff_only(people, traces):
    for who in (people.tess, people.sam, people.carl, people.aldo):
        assert _api(who).get("/api/tracebacks/").status_code == 403
    assert _api(people.ada).get("/api/tracebacks/").json()["count"] == 2


def test_the_schema_documents_each_lists_filters(people):
    schema = _api(people.ivy).get("/api/schema/", {"format": "json"}).json()["paths"]

    def names(path):
        return {p["name"] for p in schema[path]["get"]["parameters"]}

    assert {
        "due",
        "due_before",
        "due_after",
        "owner",
        "sort",
        "status",
        "open",
        "q",
        "state",
        "kind",
    } <= names("/api/demands/")
    assert {"q", "state", "lead_state", "owner"} <= names("/api/cases/")
    assert {"campaign", "provider", "status", "date_from", "date_to", "number"} <= names("/api/tracebacks/")
    due = next(p for p in schema["/api/demands/"]["get"]["parameters"] if p["name"] == "due")
    assert set(due["schema"]["enum"]) == {"30", "overdue", "week"}
    assert "overdue" in due["description"].lower()
