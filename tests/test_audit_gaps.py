"""Audit gaps closed (issue 15, item 8): each of these is recorded, exactly once, with what a reviewer needs.

Denied attempts on a demand, a document or a response carry the matter's state and label; two-factor
success is recorded; a provider reading its hop (API or link) and a provider's 404 on another's hop are
recorded; so are role-based 403s on matter pages.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from itg.accounts.models import LoginSession
from itg.audit.models import AuditEvent
from providers.services import provider_token_create
from tests.factories import (
    PASSWORD,
    current_code,
    make_demand,
    make_provider,
    start_traceback,
    verified_login,
)
from tracebacks import links


def events(action: str, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters))


def test_denied_demand_document_and_response_name_the_matter_state_and_label(client, people, delivered):
    demand, response, _ = delivered
    doc = demand.documents.first()
    verified_login(client, people.carl)  # California: the Texas case is not shared with it
    assert client.get(demand.get_absolute_url()).status_code == 404
    assert client.get(f"/demands/{demand.pk}/documents/{doc.pk}/").status_code == 404
    assert client.get(f"/responses/version/{response.pk}/download/").status_code == 404
    rows = AuditEvent.objects.filter(actor_email=people.carl.email, outcome="denied").order_by("seq")
    got = [(e.action, e.object_state, e.object_label.split(" ")[0], e.reason) for e in rows]
    assert got == [
        ("demand.view_denied", "TX", demand.tracking_number, "not visible to this user"),
        ("document.download_denied", "TX", demand.tracking_number, "not visible to this user"),
        ("response.download_denied", "TX", demand.tracking_number, "not visible to this user"),
    ]


def test_a_denied_id_that_does_not_exist_names_no_state(client, people):
    verified_login(client, people.carl)
    assert client.get("/demands/987654/").status_code == 404
    (event,) = events("demand.view_denied")
    assert (event.object_state, event.object_label, event.reason) == ("", "", "no such demand")


def test_two_factor_success_is_recorded_once_and_the_session_key_rotates(client, people):
    response = client.post("/accounts/login/", {"username": people.tess.email, "password": PASSWORD})
    assert response.status_code == 302
    after_password = client.session.session_key
    assert LoginSession.objects.filter(user=people.tess, session_key=after_password).exists()
    response = client.post("/accounts/two-factor/", {"code": current_code(people.tess), "next": "/"})
    assert response["Location"] == "/"
    after_code = client.session.session_key
    assert after_code != after_password
    # The register follows the new key (deactivation ends this session), and the old key is worthless.
    assert list(LoginSession.objects.filter(user=people.tess).values_list("session_key", flat=True)) == [
        after_code
    ]
    stolen = type(client)()
    stolen.cookies["sessionid"] = after_password
    assert stolen.get("/")["Location"].startswith("/accounts/login/")
    assert [e.actor_email for e in events("auth.otp_verified")] == [people.tess.email]
    assert client.get("/").status_code == 200
    assert len(events("auth.otp_verified")) == 1


@pytest.fixture
def hops(people):
    acme, other = make_provider("Acme Voice"), make_provider("Other Telecom")
    acme_hop = start_traceback(people.ivy, acme).hops.get()
    other_hop = start_traceback(people.ivy, other, calling="+14155550100").hops.get()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Provider {provider_token_create(by=people.ivy, provider=acme)}")
    return acme_hop, other_hop, api


def test_a_provider_reading_its_hop_through_the_api_is_recorded_once(hops):
    acme_hop, _, api = hops
    assert api.get(f"/api/provider/hops/{acme_hop.pk}/").status_code == 200
    (event,) = events("hop.provider_viewed")
    assert (event.object_id, event.actor_email.startswith("provider:")) == (str(acme_hop.pk), True)


def test_a_providers_404_on_another_providers_hop_is_recorded_once_per_request(hops):
    _, other_hop, api = hops
    assert api.get(f"/api/provider/hops/{other_hop.pk}/").status_code == 404
    assert api.post(f"/api/provider/hops/{other_hop.pk}/answer/", {"answer": "no_record"}).status_code == 404
    assert api.get("/api/provider/hops/99999999/").status_code == 404
    got = [
        (e.object_id, e.reason, e.outcome)
        for e in AuditEvent.objects.filter(action="hop.view_denied").order_by("seq")
    ]
    assert got == [
        (str(other_hop.pk), "not asked of this provider", "denied"),
        (str(other_hop.pk), "not asked of this provider", "denied"),
        ("99999999", "no such hop", "denied"),
    ]


def test_a_provider_opening_its_link_is_recorded_once(client, hops):
    acme_hop, _, _ = hops
    url = links.link_url(links.make_token(acme_hop.pk, acme_hop.provider_id)).split("127.0.0.1:8000", 1)[-1]
    page = client.get(url)
    assert page.status_code == 200 and "Acme Voice" in page.content.decode()
    (event,) = events("hop.link_opened")
    assert event.object_id == str(acme_hop.pk) and event.actor_email.startswith("link:")


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("aldo", "/demands/"),
        ("aldo", "/cases/"),
        ("tess", "/tracebacks/"),
        ("carl", "/demands/queue-not-a-page/"),
    ],
)
def test_role_based_403s_on_matter_pages_are_recorded_once(client, people, who, path):
    user = getattr(people, who)
    verified_login(client, user)
    status = client.get(path).status_code
    rows = events("auth.role_denied", actor_email=user.email)
    if status == 403:
        assert [(e.reason, e.outcome) for e in rows] == [(f"GET {path}", "denied")]
    else:
        assert status == 404 and rows == []  # not a page at all: nothing to record


def test_an_allowed_page_records_no_role_denial(client, people):
    make_demand("TX", by=people.tess)
    verified_login(client, people.tess)
    assert client.get("/demands/").status_code == 200
    assert events("auth.role_denied") == []
