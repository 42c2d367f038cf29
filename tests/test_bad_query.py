"""Bad values in searches and filters (issue 15, item 6): a NUL byte (PostgreSQL refuses it in a string
literal), a 20-digit integer (SQLite stores 64 bits), a date in year 9999 or before 1900, on every list page
and list endpoint. Each is a 400 whose message names the parameter, as HTML on pages and JSON on the API."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from providers.services import provider_token_create
from tests.factories import make_demand, make_provider, start_traceback, verified_login

PAGES = {
    # url: the parameters it reads (each is probed)
    "/demands/": ["q", "state", "status", "owner", "kind", "due", "sort", "page"],
    "/cases/": ["q", "state", "page"],
    "/tracebacks/": ["q", "campaign", "provider", "status", "date_from", "date_to", "number", "page"],
    "/providers/": ["q", "provisional", "page"],
    "/providers/suggest/": ["q"],
    "/audit/": ["q", "actor", "action", "since", "until", "page"],
    "/notifications/": ["page"],
    "/tracebacks/campaigns/": ["q", "page"],
}
API = {
    "/api/demands/": ["q", "state", "status", "owner", "kind", "due_before", "due_after", "open", "page"],
    "/api/demands/counts/": ["q", "state"],
    "/api/cases/": ["q", "lead_state", "page"],
}
PROVIDER_API = {"/api/provider/hops/": ["open", "page"], "/api/provider/providers/": ["q"]}
BAD = {"nul": "a\x00b", "huge": "9" * 20, "far": "9999-12-31", "old": "1899-12-31"}


@pytest.fixture
def world(people):
    acme = make_provider("Acme Voice")
    start_traceback(people.ivy, acme)
    make_demand("TX", by=people.tess)
    return {"acme_token": provider_token_create(by=people.ivy, provider=acme)}


def _sweep(client, urls: dict, kind: str) -> list:
    """Every (url, parameter) whose answer is neither a normal page nor a 400 naming the parameter."""
    wrong = []
    client.raise_request_exception = False
    for url, params in urls.items():
        for param in params:
            response = client.get(url, {param: BAD[kind]})
            ok = (
                response.status_code == 200
                or (response.status_code == 400 and param.encode() in response.content)
                or (param == "page" and response.status_code == 404 and url.startswith("/api/"))
            )  # DRF: "Invalid page."
            if not ok:
                wrong.append((url, param, response.status_code, response.content[:120]))
    return wrong


@pytest.mark.parametrize("kind", BAD)
def test_pages_answer_bad_filter_values_with_a_400_naming_the_field(client, people, world, kind):
    verified_login(client, people.ada)
    assert _sweep(client, PAGES, kind) == []


@pytest.mark.parametrize("kind", BAD)
def test_the_api_answers_bad_filter_values_with_a_json_400_naming_the_field(people, world, kind):
    client = APIClient()
    client.force_authenticate(people.ivy)
    wrong = _sweep(client, API, kind)
    provider = APIClient()
    provider.credentials(HTTP_AUTHORIZATION=f"Provider {world['acme_token']}")
    assert wrong + _sweep(provider, PROVIDER_API, kind) == []


def test_a_20_digit_id_in_a_path_is_not_found(client, people, world):
    verified_login(client, people.ada)
    client.raise_request_exception = False
    huge = "9" * 20
    for url in (f"/demands/{huge}/", f"/cases/{huge}/", f"/tracebacks/{huge}/", f"/providers/{huge}/",
                f"/api/demands/{huge}/", f"/api/cases/{huge}/", f"/responses/demand/{huge}/"):  # fmt: skip
        assert client.get(url).status_code == 404, url
