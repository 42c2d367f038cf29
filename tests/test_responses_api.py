"""The responses API for every role and another state: versions, evidence, prepare, deliver, download."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itg.audit.models import AuditEvent
from itg.signing import verify_pdf
from subpoenas.responses import evidence, services
from subpoenas.responses.models import Response
from subpoenas.responses.verification import trust_roots
from tests.factories import verified_login
from tests.responses_helpers import in_progress_demand, issue_small_document, make_completed_traceback

pytestmark = pytest.mark.usefixtures("dev_signing")
ROLES = ["tess", "sam", "carl", "nora", "ivy", "ada", "aldo"]
# For a TX demand: TX staff and supervisor, ITG staff and admin see it; other states get 404 (ids reveal
# nothing, the attempt recorded); the auditor's role does not work on matters (403).
READ = {"tess": 200, "sam": 200, "carl": 404, "nora": 404, "ivy": 200, "ada": 200, "aldo": 403}
# Preparing and delivering are ITG staff's acts: everyone else is refused before any lookup.
ACT = {"tess": 403, "sam": 403, "carl": 403, "nora": 403, "aldo": 403}


def refs(tracebacks) -> list[str]:
    return [f"TB-{tb.pk:07d}" for tb in sorted(tracebacks, key=lambda tb: tb.pk)]


def denied(people, who: str, action: str) -> bool:
    return AuditEvent.objects.filter(action=action, actor_email=getattr(people, who).email).exists()


# --- GET /api/demands/{id}/responses/ --------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_versions_by_role_before_delivery(client, people, signed, who):
    demand, response, _ = signed
    verified_login(client, getattr(people, who))

    answer = client.get(f"/api/demands/{demand.pk}/responses/")

    assert answer.status_code == READ[who]
    if who in ("ivy", "ada"):
        [row] = answer.json()
        assert row["version"] == 1 and row["status"] == "signed" and row["delivered_at"] is None
        assert (
            row["sha256"] == response.document.sha256 and row["bates_range"] == response.document.bates_range
        )
        assert row["download_url"] == f"/api/responses/{response.pk}/download/"
    elif answer.status_code == 200:  # the requesting office sees nothing before delivery
        assert answer.json() == []
    elif answer.status_code == 404:
        assert denied(people, who, "demand.view_denied")


@pytest.mark.parametrize("who", ROLES)
def test_versions_by_role_after_delivery(client, people, delivered, who):
    demand, response, _ = delivered
    verified_login(client, getattr(people, who))

    answer = client.get(f"/api/demands/{demand.pk}/responses/")

    assert answer.status_code == READ[who]
    if answer.status_code == 200:
        [row] = answer.json()
        assert row["status"] == "delivered" and row["delivered_by"] == people.ivy.email
        assert row["sha256"] == response.document.sha256 and row["signed_at"] and row["delivered_at"]
        assert row["bates_range"].startswith(f"ITG-{demand.tracking_number}-000001 to ")
        assert AuditEvent.objects.filter(
            action="demand.viewed", actor_email=getattr(people, who).email, object_id=str(demand.pk)
        ).exists()


def test_the_office_sees_delivered_versions_only(client, people, delivered, on_commit):
    demand, first, _ = delivered
    with on_commit():
        second = services.response_prepare(demand=demand, by=people.ivy, reason="Request 1 missed a record.")
    verified_login(client, people.tess)

    assert [r["version"] for r in client.get(f"/api/demands/{demand.pk}/responses/").json()] == [1]

    verified_login(client, people.ivy)
    rows = client.get(f"/api/demands/{demand.pk}/responses/").json()
    assert [(r["version"], r["status"], r["reason"]) for r in rows] == [
        (2, "signed", "Request 1 missed a record."),
        (1, "delivered", ""),
    ]
    assert second.pk != first.pk


# --- GET /api/demands/{id}/evidence/ ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_evidence_by_role_before_delivery(client, people, signed, who):
    demand, _, tracebacks = signed
    verified_login(client, getattr(people, who))

    answer = client.get(f"/api/demands/{demand.pk}/evidence/")

    assert answer.status_code == READ[who]
    if who in ("ivy", "ada"):
        body = answer.json()
        assert body["version"] is None
        first = body["requests"][0]
        assert first["number"] == 1 and first["answer"] == "produced"
        assert [tb["reference"] for tb in first["tracebacks"]] == refs(tracebacks)
    elif answer.status_code == 200:  # no evidence for the office before a version is delivered
        assert answer.json() == {"version": None, "requests": []}
    elif answer.status_code == 404:
        assert denied(people, who, "demand.view_denied")


@pytest.mark.parametrize("who", ROLES)
def test_evidence_by_role_after_delivery(client, people, delivered, who):
    demand, _, tracebacks = delivered
    verified_login(client, getattr(people, who))

    answer = client.get(f"/api/demands/{demand.pk}/evidence/")

    assert answer.status_code == READ[who]
    if answer.status_code == 200:
        body = answer.json()
        assert body["version"] == (None if who in ("ivy", "ada") else 1)
        first = body["requests"][0]
        assert first["answer"] == "produced" and first["tracebacks"][0]["calling_number"] == "+12145550142"
        assert [tb["reference"] for tb in first["tracebacks"]] == refs(tracebacks)


def test_the_office_sees_what_the_delivered_version_produced_not_later_work(client, people, delivered):
    demand, _, tracebacks = delivered
    request = demand.requests.get(number=1)
    extra = make_completed_traceback(by=people.ivy)
    evidence.evidence_add(request=request, traceback_id=extra.pk, by=people.ivy)  # a correction in the works

    verified_login(client, people.tess)
    office = client.get(f"/api/demands/{demand.pk}/evidence/").json()
    verified_login(client, people.ivy)
    itg = client.get(f"/api/demands/{demand.pk}/evidence/").json()

    assert [tb["reference"] for tb in office["requests"][0]["tracebacks"]] == refs(tracebacks)
    assert [tb["reference"] for tb in itg["requests"][0]["tracebacks"]] == refs([*tracebacks, extra])


# --- POST prepare, POST deliver ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_prepare_by_role(client, people, worked, on_commit, who):
    demand, _ = worked
    verified_login(client, getattr(people, who))

    with on_commit():
        answer = client.post(f"/api/demands/{demand.pk}/responses/", {}, content_type="application/json")

    if who in ("ivy", "ada"):
        assert answer.status_code == 202
        body = answer.json()
        assert (
            body["version"] == 1
            and body["status"] == "queued"
            and body["created_by"] == getattr(people, who).email
        )
        response = Response.objects.get(pk=body["id"])
        assert response.status == Response.Status.SIGNED and response.document is not None
    else:
        assert answer.status_code == ACT[who]
        assert not Response.objects.exists()


@pytest.mark.parametrize("who", ROLES)
def test_deliver_by_role(client, people, signed, who):
    _, response, _ = signed
    verified_login(client, getattr(people, who))

    answer = client.post(f"/api/responses/{response.pk}/deliver/")

    response.refresh_from_db()
    if who in ("ivy", "ada"):
        assert answer.status_code == 200 and answer.json()["status"] == "delivered"
        assert response.status == Response.Status.DELIVERED and response.delivered_by == getattr(people, who)
    else:
        assert answer.status_code == ACT[who] and response.status == Response.Status.SIGNED


def test_prepare_refusals_say_what_to_fix_and_save_nothing(client, people, delivered):
    demand, _, _ = delivered
    verified_login(client, people.ivy)

    correction = client.post(f"/api/demands/{demand.pk}/responses/", {}, content_type="application/json")
    unready = client.post(
        f"/api/demands/{in_progress_demand().pk}/responses/", {}, content_type="application/json"
    )
    hidden = client.post("/api/demands/999999/responses/", {}, content_type="application/json")

    assert correction.status_code == 400
    assert correction.json()["reason"] == [
        "Say why this correction is issued: its cover letter states the reason."
    ]
    assert unready.status_code == 400 and "request 1 has no answer" in unready.json()["detail"][0]
    assert hidden.status_code == 404
    assert Response.objects.count() == 1


def test_deliver_twice_is_refused(client, people, delivered):
    _, response, _ = delivered
    verified_login(client, people.ivy)

    again = client.post(f"/api/responses/{response.pk}/deliver/")

    assert again.status_code == 400
    assert again.json()["detail"] == ["Only a signed version awaiting delivery can be delivered."]
    assert AuditEvent.objects.filter(action="response.delivered").count() == 1


def test_prepare_deliver_then_the_office_downloads_a_verifiable_pdf(client, people, worked, on_commit):
    demand, _ = worked
    verified_login(client, people.ivy)
    with on_commit():
        prepared = client.post(f"/api/demands/{demand.pk}/responses/", {}, content_type="application/json")
    pk = prepared.json()["id"]
    with on_commit():
        assert client.post(f"/api/responses/{pk}/deliver/").status_code == 200

    verified_login(client, people.tess)
    download = client.get(f"/api/responses/{pk}/download/")

    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert (
        download["Content-Disposition"]
        == f'attachment; filename="ITG-response-{demand.tracking_number}-v1.pdf"'
    )
    pdf = b"".join(download.streaming_content)
    result = verify_pdf(pdf, trust_roots())
    assert result.valid_overall and result.acceptable and result.covers_whole_document
    document = Response.objects.get(pk=pk).document
    with default_storage.open(document.storage_key, "rb") as f:
        assert f.read() == pdf
    event = AuditEvent.objects.get(action="response.downloaded", actor_email=people.tess.email)
    assert event.changes["sha256"] == document.sha256


# --- GET /api/responses/{id}/download/ -------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_download_by_role(client, people, delivered, who):
    demand, response, _ = delivered
    verified_login(client, getattr(people, who))

    download = client.get(f"/api/responses/{response.pk}/download/")

    assert download.status_code == READ[who]
    if download.status_code == 200:
        assert b"".join(download.streaming_content)[:5] == b"%PDF-"
        assert download["X-Content-Type-Options"] == "nosniff"
        event = AuditEvent.objects.get(action="response.downloaded", actor_email=getattr(people, who).email)
        assert event.changes["sha256"] == response.document.sha256
    elif download.status_code == 404:
        assert denied(people, who, "response.download_denied")


def test_the_office_cannot_download_a_signed_but_undelivered_version(client, people, signed):
    _, response, _ = signed
    verified_login(client, people.tess)

    assert client.get(f"/api/responses/{response.pk}/download/").status_code == 404
    assert denied(people, "tess", "response.download_denied")
    assert not AuditEvent.objects.filter(action="response.downloaded").exists()


def test_download_on_s3_is_the_pages_presigned_redirect(client, people, delivered):
    from unittest import mock

    _, response, _ = delivered
    verified_login(client, people.tess)
    with mock.patch("subpoenas.responses.views.default_storage") as storage:
        storage.bucket_name = "itg"
        storage.url.return_value = "https://s3.example/itg/issued/x.pdf?X-Amz-Expires=300"
        download = client.get(f"/api/responses/{response.pk}/download/")

    assert download.status_code == 302 and download["Location"] == storage.url.return_value
    _, kwargs = storage.url.call_args
    assert kwargs["expire"] == 300
    assert kwargs["parameters"]["ResponseContentDisposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(action="response.downloaded", actor_email=people.tess.email).exists()


# --- Query counts --------------------------------------------------------------------------------------------


def _cost(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_queries_do_not_grow_with_versions(client, people):
    demand = in_progress_demand()

    def cost(who, versions: int) -> int:
        while demand.responses.count() < versions:
            n = demand.responses.count() + 1
            document, _ = issue_small_document(demand, version=n)
            Response.objects.create(
                demand=demand, version=n, status=Response.Status.DELIVERED, document=document, snapshot={"requests": []},
                reason="" if n == 1 else "Correction.", created_by=people.ivy, delivered_by=people.ivy,
            )  # fmt: skip
        verified_login(client, who)
        return _cost(client, f"/api/demands/{demand.pk}/responses/")

    # session, user, OTP device, demand; audit of the view (chain lock on PostgreSQL, chain head, insert);
    # versions with their documents and users (one query)
    assert cost(people.ivy, 1) == cost(people.ivy, 4) <= 8
    assert cost(people.tess, 1) == cost(people.tess, 4) <= 9  # + the visible cases of the office


def test_the_evidence_queries_do_not_grow_with_links(client, people, on_commit):
    demand = in_progress_demand()
    request = demand.requests.get(number=1)

    def link(n: int) -> None:
        while request.evidence.count() < n:
            evidence.evidence_add(request=request, traceback_id=make_completed_traceback().pk, by=people.ivy)

    verified_login(client, people.ivy)
    url = f"/api/demands/{demand.pk}/evidence/"
    # session, user, OTP device, demand; audit (lock, head, insert); requests, answers, links with
    # tracebacks and campaigns, proposal queries
    link(2)
    few = _cost(client, url)
    link(6)
    assert few == _cost(client, url) <= 11

    def deliver(reason: str = "") -> None:
        with on_commit():
            response = services.response_prepare(demand=demand, by=people.ivy, reason=reason)
        response.refresh_from_db()
        with on_commit():
            services.response_deliver(response=response, by=people.ivy)

    evidence.request_answer_set(request=request, kind="produced", by=people.ivy)
    deliver()
    verified_login(client, people.tess)
    # + visible cases; delivered versions; the produced tracebacks with their campaigns (one query)
    office_few = _cost(client, url)
    link(10)
    deliver("Four more records were found.")
    assert len(client.get(url).json()["requests"][0]["tracebacks"]) == 10
    assert office_few == _cost(client, url) <= 15


def test_the_openapi_schema_documents_the_responses_endpoints(client, people):
    verified_login(client, people.ivy)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]

    assert set(paths["/api/demands/{id}/responses/"]) >= {"get", "post"}
    assert "reason" in schema["components"]["schemas"]["PrepareIn"]["properties"]
    assert "202" in paths["/api/demands/{id}/responses/"]["post"]["responses"]
    assert "get" in paths["/api/demands/{id}/evidence/"]
    assert "post" in paths["/api/responses/{id}/deliver/"]
    assert "application/pdf" in paths["/api/responses/{id}/download/"]["get"]["responses"]["200"]["content"]
