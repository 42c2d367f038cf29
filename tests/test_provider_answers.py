"""Provider answers: a provider's token reaches only its own hops; the e-mailed link is a one-time,
expiring credential for one hop; invalid answers are refused with a message that says what to fix."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from freezegun import freeze_time
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from itg.audit.models import AuditEvent
from providers.services import provider_token_create, provider_token_revoke
from tests.factories import make_provider, start_traceback
from tracebacks.models import Hop


def api(token: str = "", keyword: str = "Provider") -> APIClient:
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"{keyword} {token}")
    return client


@pytest.fixture
def world(people):
    acme, other, upstream = (
        make_provider("Acme Voice"),
        make_provider("Other Telecom"),
        make_provider("Up Carrier"),
    )
    acme_hop = start_traceback(people.ivy, acme).hops.get()
    other_hop = start_traceback(people.ivy, other, calling="+14155550100").hops.get()
    return {
        "acme": acme,
        "other": other,
        "upstream": upstream,
        "acme_hop": acme_hop,
        "other_hop": other_hop,
        "acme_api": api(provider_token_create(by=people.ivy, provider=acme)),
    }


def test_a_providers_token_cannot_read_or_answer_another_providers_hop(world):
    client, other_hop = world["acme_api"], world["other_hop"]
    listed = client.get("/api/provider/hops/").json()
    assert [h["id"] for h in listed["results"]] == [world["acme_hop"].pk]
    assert client.get(f"/api/provider/hops/{other_hop.pk}/").status_code == 404
    answer = client.post(f"/api/provider/hops/{other_hop.pk}/answer/", {"answer": "no_record"}, format="json")
    assert answer.status_code == 404
    other_hop.refresh_from_db()
    assert other_hop.answer == "pending"


def test_a_provider_sees_the_call_but_never_other_hops_or_answers(world, people):
    client = world["acme_api"]
    body = client.get(f"/api/provider/hops/{world['acme_hop'].pk}/").json()
    assert set(body) == {
        "id", "traceback", "call_at", "calling_number", "called_number", "campaign", "transcript_excerpt",
        "asked_at", "due_at", "answer", "answered_at", "is_late", "answerable",
    }  # fmt: skip
    assert "social security" in body["transcript_excerpt"]
    client.post(
        f"/api/provider/hops/{world['acme_hop'].pk}/answer/",
        {"answer": "upstream", "upstream": world["upstream"].rmd_number},
        format="json",
    )
    upstream_api = api(provider_token_create(by=people.ivy, provider=world["upstream"]))
    seen = upstream_api.get("/api/provider/hops/").json()["results"]
    assert len(seen) == 1 and seen[0]["id"] != world["acme_hop"].pk  # only its own hop, not Acme's answer
    assert "Acme" not in str(seen)


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"answer": "maybe"}, "answer", "is not a valid choice"),
        ({"answer": "upstream"}, "upstream", "Name the provider"),
        (
            {"answer": "upstream", "upstream": "Nobody Such Telecom"},
            "upstream",
            "No registered provider matches",
        ),
        ({"answer": "customer"}, "customer", "Name the customer who placed the call"),
        ({"answer": "no_record", "origid": "not-a-uuid"}, "origid", "valid UUID"),
        ({"answer": "no_record", "attestation": "D"}, "attestation", "is not a valid choice"),
    ],
)
def test_invalid_answers_are_refused_with_a_clear_message(world, payload, field, message):
    hop = world["acme_hop"]
    response = world["acme_api"].post(f"/api/provider/hops/{hop.pk}/answer/", payload, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    hop.refresh_from_db()
    assert hop.answer == "pending" and hop.traceback.hop_count == 1
    if field in (
        "upstream",
        "customer",
    ):  # refused by the services (not the input schema): recorded for ITG staff
        event = AuditEvent.objects.get(action="hop.answer_refused", object_id=str(hop.pk))
        assert event.outcome == "denied" and message in event.reason


def test_naming_yourself_or_a_provider_already_on_the_path_is_refused(world):
    hop = world["acme_hop"]
    response = world["acme_api"].post(
        f"/api/provider/hops/{hop.pk}/answer/",
        {"answer": "upstream", "upstream": world["acme"].rmd_number},
        format="json",
    )
    assert response.status_code == 400 and "not yourselves" in str(response.json())


def test_an_answered_hop_cannot_be_answered_twice(world):
    hop, client = world["acme_hop"], world["acme_api"]
    assert (
        client.post(
            f"/api/provider/hops/{hop.pk}/answer/", {"answer": "no_record"}, format="json"
        ).status_code
        == 200
    )
    again = client.post(f"/api/provider/hops/{hop.pk}/answer/", {"answer": "refused"}, format="json")
    assert again.status_code == 400 and "takes no more answers" in str(again.json())


def test_tokens_are_stored_hashed_shown_once_and_revocable(world, people):
    token = provider_token_create(by=people.ivy, provider=world["acme"])  # replaces the fixture's token
    assert world["acme_api"].get("/api/provider/hops/").status_code == 401
    stored = world["acme"].api_tokens.get(revoked_at__isnull=True)
    assert token not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64
    assert api(token).get("/api/provider/hops/").status_code == 200
    provider_token_revoke(by=people.ivy, provider=world["acme"])
    assert api(token).get("/api/provider/hops/").status_code == 401
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"provider.token_created", "provider.token_revoked"} <= actions
    with pytest.raises(Exception, match="Only ITG staff"):
        provider_token_create(by=people.tess, provider=world["acme"])


def test_user_and_provider_credentials_do_not_cross(world, people):
    user_token = Token.objects.create(user=people.ivy).key
    # Each side's endpoints do not even understand the other's credential: 401, nothing is read.
    assert api(user_token, "Token").get("/api/provider/hops/").status_code == 401
    provider_client = world["acme_api"]
    assert provider_client.get("/api/cases/").status_code == 401
    assert provider_client.get("/api/me/").status_code == 401
    assert api().get("/api/provider/hops/").status_code in (401, 403)
    assert api("itgp_bogus").get("/api/provider/hops/").status_code == 401


def test_suggestions_search_name_frn_and_rmd_number(world):
    client = world["acme_api"]
    upstream = world["upstream"]
    for q in ("up carr", upstream.frn, upstream.rmd_number):
        names = [r["name"] for r in client.get("/api/provider/providers/", {"q": q}).json()["results"]]
        assert names == ["Up Carrier"], q


# --- The e-mailed link -------------------------------------------------------------------------------------


def link_from(message) -> str:
    return re.search(r"https?://\S+/respond/\S+/", message.body).group(0).split("127.0.0.1:8000", 1)[-1]


@pytest.fixture
def emailed(people, django_capture_on_commit_callbacks):
    acme, upstream = make_provider("Acme Voice"), make_provider("Up Carrier")
    with django_capture_on_commit_callbacks(execute=True):
        traceback = start_traceback(people.ivy, acme)
    return {"url": link_from(mail.outbox[-1]), "traceback": traceback, "acme": acme, "upstream": upstream}


def test_the_link_shows_the_call_and_takes_one_answer(client, emailed, django_capture_on_commit_callbacks):
    page = client.get(emailed["url"])
    body = page.content.decode()
    assert page.status_code == 200 and "+12025550143" in body and "SSA-CalltheSSA" in body
    assert "Acme Voice" in body and 'name="upstream"' in body
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            emailed["url"], {"answer": "upstream", "upstream": "Up Carrier", "attestation": "B"}
        )
    assert done.status_code == 200 and "Answer received" in done.content.decode()
    assert mail.outbox[-1].to == [emailed["upstream"].traceback_email]
    again = client.post(emailed["url"], {"answer": "no_record"})
    assert again.status_code == 400 and "already" in again.content.decode()
    assert "already been used" in client.get(emailed["url"]).content.decode()
    assert Hop.objects.get(traceback=emailed["traceback"], sequence=1).attestation == "B"


def test_an_invalid_answer_through_the_link_is_refused_next_to_the_field(client, emailed):
    response = client.post(emailed["url"], {"answer": "upstream", "upstream": ""})
    body = response.content.decode()
    assert response.status_code == 400 and "Name the provider" in body and 'class="field-error"' in body
    # The link was not used up by the refused answer.
    ok = client.post(emailed["url"], {"answer": "no_record"})
    assert ok.status_code == 200


def test_an_expired_or_tampered_link_is_refused(client, emailed, settings):
    tampered = emailed["url"].replace("/respond/", "/respond/x")
    assert client.get(tampered).status_code == 403
    with freeze_time("2099-01-01"):
        response = client.get(emailed["url"])
    assert response.status_code == 403 and "expired" in response.content.decode()
    assert AuditEvent.objects.filter(action="hop.link_denied").count() == 2


def test_a_link_stops_working_when_the_hop_is_reassigned(client, emailed, people):
    from tracebacks.services import hop_reassign

    hop = emailed["traceback"].hops.get()
    hop_reassign(by=people.ivy, hop=hop, provider=make_provider("Someone Else"))
    response = client.get(emailed["url"])
    assert response.status_code == 403 and "reassigned" in response.content.decode()
    assert client.post(emailed["url"], {"answer": "no_record"}).status_code == 403


def test_link_suggestions_need_a_valid_link(client, emailed):
    ok = client.get(emailed["url"] + "providers.json", {"q": "up car"}).json()
    assert [r["name"] for r in ok["results"]] == ["Up Carrier"]
    assert client.get("/respond/bogus/providers.json", {"q": "up"}).status_code == 403


@pytest.mark.parametrize("who", ["tess", "sam", "carl", "nora", "ivy", "ada", "aldo"])
def test_portal_users_cannot_use_the_provider_api(people, world, who):
    from tests.factories import verified_login

    client = APIClient()
    verified_login(client, getattr(people, who))
    for url in (
        "/api/provider/hops/",
        f"/api/provider/hops/{world['acme_hop'].pk}/",
        "/api/provider/providers/?q=a",
    ):
        assert client.get(url).status_code in (401, 403), url
    answer = client.post(
        f"/api/provider/hops/{world['acme_hop'].pk}/answer/", {"answer": "no_record"}, format="json"
    )
    assert answer.status_code in (401, 403)
    world["acme_hop"].refresh_from_db()
    assert world["acme_hop"].answer == "pending"


def test_a_link_answer_may_carry_evidence_of_an_accepted_kind(client, emailed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = SimpleUploadedFile("cdr.exe", b"MZ")
    refused = client.post(emailed["url"], {"answer": "no_record", "attachment": exe})
    assert refused.status_code == 400
    assert (
        "cdr.exe: this is a program, whatever its name says; accepted here: CSV, DOCX"
        in refused.content.decode()
    )
    cdr = SimpleUploadedFile("cdr.csv", b"call_time,ani,dnis\n2026-03-02 10:15,2025550143,3125550199\n")
    assert client.post(emailed["url"], {"answer": "no_record", "attachment": cdr}).status_code == 200
    hop = emailed["traceback"].hops.get()
    assert hop.attachment.name.startswith("tracebacks/hops/") and hop.attachment.read().startswith(
        b"call_time"
    )


def test_a_link_to_a_closed_traceback_says_no_answer_is_needed(client, emailed, people):
    from tracebacks.services import traceback_close

    traceback_close(
        by=people.ivy, traceback=emailed["traceback"], note="Enough evidence from another traceback"
    )
    body = client.get(emailed["url"]).content.decode()
    assert "closed by itg: no answer is needed" in body and "Send the answer" not in body
    refused = client.post(emailed["url"], {"answer": "no_record"})
    assert refused.status_code == 400 and "takes no more answers" in refused.content.decode()
