"""The response pages and downloads for every role and for another state; query counts."""

from __future__ import annotations

import pytest

from itg.audit.models import AuditEvent
from subpoenas.models import DemandRequest
from subpoenas.responses import evidence, services
from subpoenas.responses.models import EvidenceLink, Response
from tests.factories import verified_login
from tests.responses_helpers import in_progress_demand, make_completed_traceback

pytestmark = pytest.mark.usefixtures("dev_signing")
ROLES = ["tess", "sam", "carl", "nora", "ivy", "ada", "aldo"]
# Page status per role for a TX demand: TX staff and supervisor, ITG staff and admin see it; other states
# get 404 (ids reveal nothing); the auditor's role does not work on matters (403).
EXPECTED = {"tess": 200, "sam": 200, "carl": 404, "nora": 404, "ivy": 200, "ada": 200, "aldo": 403}


@pytest.mark.parametrize("who", ROLES)
def test_demand_response_page_by_role_before_delivery(client, people, worked, who):
    demand, tracebacks = worked
    verified_login(client, getattr(people, who))

    page = client.get(f"/responses/demand/{demand.pk}/")

    assert page.status_code == EXPECTED[who]
    body = page.content.decode()
    if who in ("ivy", "ada"):
        assert f"TB-{tracebacks[0].pk:07d}" in body and "Propose records from the scope" in body
        assert "Render and sign the response" in body
    elif page.status_code == 200:  # the requesting office, before delivery: no evidence shown
        assert f"TB-{tracebacks[0].pk:07d}" not in body
        assert "The ITG has not delivered a response yet." in body and "Propose" not in body
    if page.status_code == 404:
        assert AuditEvent.objects.filter(
            action="demand.view_denied", actor_email=getattr(people, who).email
        ).exists()


@pytest.mark.parametrize("who", ROLES)
def test_demand_response_page_by_role_after_delivery(client, people, delivered, who):
    demand, response, tracebacks = delivered
    verified_login(client, getattr(people, who))

    page = client.get(f"/responses/demand/{demand.pk}/")

    assert page.status_code == EXPECTED[who]
    if page.status_code == 200:
        body = page.content.decode()
        assert f"TB-{tracebacks[1].pk:07d}" in body and response.document.sha256 in body
        assert f"/responses/version/{response.pk}/download/" in body


@pytest.mark.parametrize("who", ROLES)
def test_download_by_role(client, people, delivered, who):
    demand, response, _ = delivered
    verified_login(client, getattr(people, who))

    download = client.get(f"/responses/version/{response.pk}/download/")

    assert download.status_code == EXPECTED[who]
    if download.status_code == 200:
        assert download["Content-Disposition"] == (
            f'attachment; filename="ITG-response-{demand.tracking_number}-v1.pdf"'
        )
        assert (
            download["X-Content-Type-Options"] == "nosniff" and download["Content-Type"] == "application/pdf"
        )
        assert b"".join(download.streaming_content)[:5] == b"%PDF-"
        event = AuditEvent.objects.get(action="response.downloaded", actor_email=getattr(people, who).email)
        assert event.changes["sha256"] == response.document.sha256
    elif download.status_code == 404:
        assert AuditEvent.objects.filter(
            action="response.download_denied", object_id=str(response.pk)
        ).exists()


def test_ag_user_cannot_download_a_signed_but_undelivered_version(client, people, worked, on_commit):
    demand, _ = worked
    with on_commit():
        response = services.response_prepare(demand=demand, by=people.ivy)
    verified_login(client, people.tess)

    assert client.get(f"/responses/version/{response.pk}/download/").status_code == 404
    assert client.get(f"/responses/version/{response.pk + 1000}/download/").status_code == 404
    verified_login(client, people.ivy)
    assert client.get(f"/responses/version/{response.pk}/download/").status_code == 200


def test_download_on_s3_is_a_presigned_url_valid_five_minutes(client, people, delivered, settings):
    from unittest import mock
    from urllib.parse import parse_qs, urlsplit

    _, response, _ = delivered
    verified_login(client, people.tess)
    with mock.patch("subpoenas.responses.views.default_storage") as storage:
        storage.bucket_name = "itg"
        storage.url.return_value = "https://s3.example/itg/issued/x.pdf?X-Amz-Expires=300"
        answer = client.get(f"/responses/version/{response.pk}/download/")

    assert answer.status_code == 302 and parse_qs(urlsplit(answer["Location"]).query)["X-Amz-Expires"] == [
        "300"
    ]
    _, kwargs = storage.url.call_args
    assert kwargs["expire"] == 300
    assert kwargs["parameters"]["ResponseContentDisposition"].startswith("attachment;")


POSTS = ["propose", "add", "answer", "remove", "prepare"]


def _post_url(name: str, demand, link) -> str:
    request = demand.requests.get(number=1)
    return {
        "propose": f"/responses/request/{request.pk}/propose/",
        "add": f"/responses/request/{request.pk}/add/",
        "answer": f"/responses/request/{request.pk}/answer/",
        "remove": f"/responses/evidence/{link.pk}/remove/",
        "prepare": f"/responses/demand/{demand.pk}/prepare/",
    }[name]


@pytest.mark.parametrize("who", ["tess", "sam", "carl", "nora", "aldo"])
@pytest.mark.parametrize("name", POSTS)
def test_only_itg_staff_may_change_evidence_or_prepare(client, people, worked, who, name):
    demand, _ = worked
    link = EvidenceLink.objects.filter(request__demand=demand).first()
    verified_login(client, getattr(people, who))

    answer = client.post(_post_url(name, demand, link), {"traceback": "TB-1", "kind": "none"})

    assert answer.status_code == 403
    assert EvidenceLink.objects.filter(request__demand=demand).count() == 2
    assert not Response.objects.exists()


def test_itg_staff_work_the_evidence_through_the_pages(client, people, worked):
    demand, (a, b) = worked
    extra = make_completed_traceback(calling="+13335550000")
    request = demand.requests.get(number=1)
    DemandRequest.objects.create(demand=demand, number=2, text="Everything else.")
    verified_login(client, people.ivy)

    client.post(f"/responses/request/{request.pk}/add/", {"traceback": f"TB-{extra.pk:07d}"})
    bad = client.post(f"/responses/request/{request.pk}/add/", {"traceback": "hello"}, follow=True)
    link = EvidenceLink.objects.get(request=request, traceback=a)
    client.post(f"/responses/evidence/{link.pk}/remove/")
    second = demand.requests.get(number=2)
    objection = client.post(f"/responses/request/{second.pk}/answer/", {"kind": "objection"}, follow=True)
    client.post(f"/responses/request/{second.pk}/answer/", {"kind": "objection", "objection": "Overbroad."})

    assert "Enter a traceback identifier such as TB-0000123." in bad.content.decode()
    assert "State the objection" in objection.content.decode()
    assert set(EvidenceLink.objects.filter(request=request).values_list("traceback_id", flat=True)) == {
        b.pk,
        extra.pk,
    }
    assert second.answer.objection == "Overbroad."


def test_the_page_shows_a_failed_version_with_its_reason_and_a_retry(
    client, people, worked, on_commit, monkeypatch
):
    demand, _ = worked
    monkeypatch.setattr(
        "itg.signing.SignerConfig.sign", lambda *a, **k: (_ for _ in ()).throw(OSError("no key"))
    )
    verified_login(client, people.ivy)
    with on_commit():
        client.post(f"/responses/demand/{demand.pk}/prepare/")

    body = client.get(f"/responses/demand/{demand.pk}/").content.decode()

    assert "Failed" in body and "no key" in body and "Try again" in body


def test_a_version_in_progress_shows_its_progress(client, people, worked):
    demand, _ = worked
    verified_login(client, people.ivy)
    client.post(f"/responses/demand/{demand.pk}/prepare/")  # queued; the task waits for the commit
    Response.objects.update(status="rendering", progress=40, progress_label="Rendering 2 exhibits")

    body = client.get(f"/responses/demand/{demand.pk}/").content.decode()

    assert 'http-equiv="refresh"' in body
    assert '<progress id="progress-' in body and 'value="40"' in body and "Rendering 2 exhibits" in body


def test_the_itg_page_queries_do_not_grow_with_the_evidence(client, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    demand = in_progress_demand()
    request = demand.requests.get(number=1)
    verified_login(client, people.ivy)

    def cost(links: int) -> int:
        while request.evidence.count() < links:
            evidence.evidence_add(request=request, traceback_id=make_completed_traceback().pk, by=people.ivy)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/responses/demand/{demand.pk}/").status_code == 200
        return len(ctx.captured_queries)

    # session, user, OTP device, demand; audit of the view (chain lock on PostgreSQL, chain head, insert);
    # versions; requests, answers, links with tracebacks and campaigns, proposal queries; editable check;
    # unread notifications (the session is renewed at most once a minute, not saved by every page)
    assert cost(3) == cost(12) <= 14
