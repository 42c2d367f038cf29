"""The demand pages and API by role: who sees what, what the pages show, queries that do not grow."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from itg.audit.models import AuditEvent
from subpoenas.models import LegalDemand
from tests.factories import make_case, make_demand, verified_login


def api_as(user) -> APIClient:
    client = APIClient()
    verified_login(client, user)
    return client


@pytest.fixture
def tx_demand(people):
    return make_demand("TX", "In re Lone Star Dialers", by=people.tess)


def test_demand_page_shows_deadline_requests_documents_and_timeline(client, people, tx_demand):
    verified_login(client, people.ivy)
    body = client.get(tx_demand.get_absolute_url()).content.decode()
    doc = tx_demand.documents.get()
    assert "In re Lone Star Dialers" in body and tx_demand.tracking_number in body
    assert tx_demand.due_explanation in body.replace("&#x27;", "'")
    assert doc.sha256 in body and "All records." in body and "+12145550142" in body
    assert "Start review" in body  # ITG's action
    assert AuditEvent.objects.filter(action="demand.viewed", actor_email=people.ivy.email).exists()


ROLE_EXPECTATIONS = [
    ("tess", 200),
    ("sam", 200),
    ("ivy", 200),
    ("ada", 200),
    ("carl", 404),
    ("nora", 404),
    ("aldo", 403),
]


@pytest.mark.parametrize(("who", "expected"), ROLE_EXPECTATIONS)
def test_demand_page_and_api_access_by_role(client, people, tx_demand, who, expected):
    user = getattr(people, who)
    verified_login(client, user)
    assert client.get(tx_demand.get_absolute_url()).status_code == expected
    assert client.get(f"/demands/{tx_demand.pk}/receipt/").status_code == expected
    doc = tx_demand.documents.get()
    assert client.get(f"/demands/{tx_demand.pk}/documents/{doc.pk}/").status_code == expected
    assert api_as(user).get(f"/api/demands/{tx_demand.pk}/").status_code == expected
    assert api_as(user).get(f"/api/demands/{tx_demand.pk}/documents/{doc.pk}/").status_code == expected
    listed = api_as(user).get("/api/demands/")
    page = client.get("/demands/")
    if expected == 200:
        assert tx_demand.tracking_number in page.content.decode()
        assert [r["tracking_number"] for r in listed.json()["results"]] == [tx_demand.tracking_number]
    elif expected == 404:
        assert tx_demand.tracking_number not in page.content.decode()
        assert listed.json()["results"] == []
        assert AuditEvent.objects.filter(action="demand.view_denied", actor_email=user.email).exists()
        assert AuditEvent.objects.filter(action="document.download_denied", actor_email=user.email).exists()
    else:
        assert page.status_code == 403 and listed.status_code == 403


def test_a_shared_case_makes_its_demands_visible_to_the_other_office(client, people, tx_demand):
    from cases.services import case_share

    case_share(by=people.sam, case=tx_demand.case, office=people.carl.office)
    verified_login(client, people.carl)
    assert client.get(tx_demand.get_absolute_url()).status_code == 200


def test_download_streams_the_bytes_with_safe_headers_and_is_audited(client, people, tx_demand):
    verified_login(client, people.tess)
    doc = tx_demand.documents.get()
    response = client.get(f"/demands/{tx_demand.pk}/documents/{doc.pk}/?inline=1")
    data = b"".join(response.streaming_content)
    import hashlib

    assert hashlib.sha256(data).hexdigest() == doc.sha256
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        response["Content-Disposition"].startswith("inline")
        and "demand.pdf" in response["Content-Disposition"]
    )
    assert AuditEvent.objects.filter(action="document.downloaded", object_id=str(doc.pk)).exists()


def test_receipt_pdf_lists_the_files_hashes(client, people, tx_demand):
    import io

    from pypdf import PdfReader

    verified_login(client, people.tess)
    response = client.get(f"/demands/{tx_demand.pk}/receipt.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace("\n", "")
    assert tx_demand.tracking_number in text
    assert tx_demand.documents.get().sha256[:32] in text
    assert "UTC" in text and ("CST" in text or "CDT" in text)


def test_the_page_and_the_api_download_with_the_same_headers_and_the_same_audit(client, people, tx_demand):
    verified_login(client, people.tess)
    api = api_as(people.tess)
    doc = tx_demand.documents.get()
    headers = ("Cache-Control", "Content-Security-Policy", "X-Content-Type-Options", "Content-Disposition")
    page_doc = client.get(f"/demands/{tx_demand.pk}/documents/{doc.pk}/")
    api_doc = api.get(f"/api/demands/{tx_demand.pk}/documents/{doc.pk}/")
    assert b"".join(page_doc.streaming_content) == b"".join(api_doc.streaming_content)
    assert [page_doc[h] for h in headers] == [api_doc[h] for h in headers]
    assert page_doc["Cache-Control"] == "private, no-store" and page_doc[
        "Content-Security-Policy"
    ].startswith("sandbox")
    page_receipt = client.get(f"/demands/{tx_demand.pk}/receipt.pdf")
    api_receipt = api.get(f"/api/demands/{tx_demand.pk}/receipt/")
    assert page_receipt.content == api_receipt.content and page_receipt.content[:5] == b"%PDF-"
    assert [page_receipt[h] for h in headers] == [api_receipt[h] for h in headers]
    assert page_receipt["Content-Security-Policy"].startswith("sandbox")
    assert (
        page_receipt["Content-Disposition"]
        == f'attachment; filename="receipt-{tx_demand.tracking_number}.pdf"'
    )
    downloads = AuditEvent.objects.filter(action="document.downloaded", object_id=str(doc.pk))
    assert [e.changes for e in downloads.order_by("seq")] == [
        {"sha256": [None, doc.sha256], "inline": [None, False]}
    ] * 2
    assert (
        AuditEvent.objects.filter(action="demand.receipt_downloaded", object_id=str(tx_demand.pk)).count()
        == 2
    )


def _table_writes() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, by table (PostgreSQL's own counters)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
        return {name: n for name, n in cursor.fetchall() if n}


def test_a_receipt_downloaded_before_the_intake_task_signed_it_is_refused_and_nothing_is_written(
    client, people, settings
):
    from pathlib import Path

    from django.db import connection

    from subpoenas.responses.models import IssuedDocument
    from tests.conftest import need

    need(connection.vendor == "postgresql", "PostgreSQL (its per-transaction write counters)")
    demand = make_demand("TX", by=people.tess, signed_receipt=False)  # received; its task not yet run
    verified_login(client, people.tess)
    api = api_as(people.tess)
    receipts_folder = Path(settings.MEDIA_ROOT) / "issued" / "receipts"
    before = _table_writes()
    page, by_api = (
        client.get(f"/demands/{demand.pk}/receipt.pdf"),
        api.get(f"/api/demands/{demand.pk}/receipt/"),
    )
    written = {t: n - before.get(t, 0) for t, n in _table_writes().items() if n != before.get(t, 0)}
    for answer in (page, by_api):
        assert answer.status_code == 409 and answer["Retry-After"] == "5"
        assert (
            answer["Content-Type"] == "text/plain; charset=utf-8"
            and answer["Cache-Control"] == "private, no-store"
        )
        assert answer.content.decode().startswith(
            f"The receipt of {demand.tracking_number} is being signed; retry in a moment."
        )
    assert set(written) <= {"django_session"}, written  # nothing signed, registered or audited
    assert not IssuedDocument.objects.filter(demand=demand).exists()
    assert not AuditEvent.objects.filter(
        object_id=str(demand.pk), action__in=["receipt.signed", "demand.receipt_downloaded"]
    ).exists()
    assert not receipts_folder.exists() or not any(receipts_folder.rglob("*.pdf"))


@pytest.mark.parametrize("confidentiality", ["standard", "sealed"])
def test_after_the_intake_task_the_receipt_download_serves_the_bytes_it_signed(
    client, people, on_commit, confidentiality
):
    """The task signs every receipt, a sealed demand's too (its e-mail carries no PDF, so only the portal
    offers it); the page and the API then serve those registered bytes, and sign nothing more."""
    import hashlib

    from django.core import mail

    from subpoenas.responses.models import IssuedDocument

    with on_commit():  # the demand's commit runs the intake task, as in production
        demand = make_demand("TX", by=people.tess, signed_receipt=False, confidentiality=confidentiality)
    issued = IssuedDocument.objects.get(demand=demand, kind="receipt")
    verified_login(client, people.tess)
    page, by_api = (
        client.get(f"/demands/{demand.pk}/receipt.pdf"),
        api_as(people.tess).get(f"/api/demands/{demand.pk}/receipt/"),
    )
    assert page.status_code == by_api.status_code == 200 and page.content == by_api.content
    assert page.content[:5] == b"%PDF-" and hashlib.sha256(page.content).hexdigest() == issued.sha256
    assert IssuedDocument.objects.filter(demand=demand).count() == 1
    assert AuditEvent.objects.filter(action="receipt.signed", object_id=str(demand.pk)).count() == 1
    assert (
        AuditEvent.objects.filter(action="demand.receipt_downloaded", object_id=str(demand.pk)).count() == 2
    )
    sent = next(m for m in mail.outbox if m.subject.startswith(f"Receipt {demand.tracking_number}"))
    assert [a[1] for a in sent.attachments] == ([] if confidentiality == "sealed" else [page.content])


def test_receipts_never_signed_are_signed_by_the_command_once(client, people):
    """A demand received before the intake task signed receipts has none until the command signs it."""
    import io

    from django.core.management import call_command

    demand = make_demand("TX", by=people.tess, signed_receipt=False)
    other = make_demand("TX", by=people.tess)  # signed by its task already: left as it is
    verified_login(client, people.tess)
    assert client.get(f"/demands/{demand.pk}/receipt.pdf").status_code == 409
    out = io.StringIO()
    call_command("sign_missing_receipts", stdout=out)
    assert out.getvalue().strip() == "1 receipt(s) signed."
    served = client.get(f"/demands/{demand.pk}/receipt.pdf")
    assert served.status_code == 200 and served.content[:5] == b"%PDF-"
    signed = AuditEvent.objects.filter(action="receipt.signed")
    assert sorted(signed.values_list("object_id", flat=True)) == sorted([str(demand.pk), str(other.pk)])
    call_command("sign_missing_receipts", stdout=out)
    assert out.getvalue().strip().endswith("0 receipt(s) signed.") and signed.count() == 2


def test_the_beat_sweep_signs_receipts_whose_task_gave_up_and_leaves_fresh_ones(client, people, settings):
    from datetime import timedelta

    from django.utils import timezone

    from subpoenas.models import LegalDemand
    from subpoenas.tasks import sign_missing_receipts

    assert settings.CELERY_BEAT_SCHEDULE["demand-sign-missing-receipts"]["task"] == (
        "subpoenas.tasks.sign_missing_receipts"
    )
    stuck = make_demand("TX", by=people.tess, signed_receipt=False)
    fresh = make_demand("TX", by=people.tess, signed_receipt=False)
    LegalDemand.objects.filter(pk=stuck.pk).update(received_at=timezone.now() - timedelta(minutes=11))
    verified_login(client, people.tess)
    assert sign_missing_receipts() == 1
    assert client.get(f"/demands/{stuck.pk}/receipt.pdf").content[:5] == b"%PDF-"
    assert client.get(f"/demands/{fresh.pk}/receipt.pdf").status_code == 409  # its own task signs it
    assert sign_missing_receipts() == 0


def test_search_by_tracking_number_caption_phone_and_provider_within_what_the_user_sees(
    client, people, tx_demand
):
    ca = make_demand("CA", "In re Golden Dialers", by=people.carl)
    verified_login(client, people.tess)
    for q in (tx_demand.tracking_number, "lone star", "(214) 555-0142", "2145550142"):
        body = client.get("/demands/", {"q": q}).content.decode()
        assert tx_demand.tracking_number in body, q
        assert ca.tracking_number not in body
    body = client.get("/demands/", {"q": ca.tracking_number}).content.decode()
    assert "0 demands" in body and "Golden" not in body
    assert api_as(people.tess).get("/api/demands/", {"q": "Golden"}).json()["results"] == []


def test_queue_filters_and_counts(client, people):
    make_demand("TX", "Alpha", status="in_review")
    make_demand("CA", "Beta")
    verified_login(client, people.ivy)
    body = client.get("/demands/", {"state": "CA"}).content.decode()
    assert "Beta" in body and "Alpha" not in body
    body = client.get("/demands/", {"status": "in_review"}).content.decode()
    assert "Alpha" in body and "Beta" not in body
    api = api_as(people.ivy).get("/api/demands/", {"status": "in_review"}).json()
    assert [r["caption"] for r in api["results"]] == ["Alpha"]


def _demands(n: int, state: str) -> None:
    case = make_case(state)
    for _ in range(n):
        make_demand(state, case=case)


def test_queue_query_count_is_constant(client, people, django_assert_max_num_queries):
    verified_login(client, people.ivy)
    _demands(30, "TX")
    # session, user+office, otp device, counts by status (also the paginator's total), open-deadline
    # counts, page of demands (+case, owner), owners for the filter, unread notifications
    with django_assert_max_num_queries(9) as small:
        assert client.get("/demands/").status_code == 200
    _demands(70, "CA")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/demands/")
    assert "100 demands" in response.content.decode()


def test_ag_list_query_count_is_constant(client, people, django_assert_max_num_queries):
    verified_login(client, people.tess)
    _demands(30, "TX")
    # as the queue, without the owners list, plus the ids of the visible cases (one query, whatever the rows)
    with django_assert_max_num_queries(12) as small:
        client.get("/demands/")
    _demands(70, "TX")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/demands/")
    assert "100 demands" in response.content.decode()


def test_openapi_schema_documents_the_demand_endpoints(people):
    schema = api_as(people.ivy).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/demands/", "/api/demands/{id}/transition/", "/api/demands/{id}/extensions/",
                 "/api/cases/{id}/messages/", "/api/notifications/", "/api/demands/extract/"):  # fmt: skip
        assert path in schema["paths"], path


def test_every_demand_the_factory_makes_is_counted(people):
    make_demand("TX")
    assert LegalDemand.objects.count() == 1


def test_case_page_lists_its_demands_and_thread(client, people, tx_demand):
    from cases.services import case_message_post

    case_message_post(by=people.ivy, case=tx_demand.case, body="Internal: check volume.", internal=True)
    case_message_post(by=people.tess, case=tx_demand.case, body="Please confirm receipt.")
    verified_login(client, people.tess)
    body = client.get(tx_demand.case.get_absolute_url()).content.decode()
    assert tx_demand.tracking_number in body and "Please confirm receipt." in body
    assert "check volume" not in body
    verified_login(client, people.ivy)
    assert "Internal: check volume." in client.get(tx_demand.case.get_absolute_url()).content.decode()


def test_api_detail_carries_the_deadline_history(people, tx_demand):
    body = api_as(people.tess).get(f"/api/demands/{tx_demand.pk}/").json()
    assert [e["kind"] for e in body["deadline_events"]] == ["set"]
    assert body["due_explanation"] == tx_demand.due_explanation and body["allowed_actions"] == ["withdraw"]


def test_the_receipt_rendered_outside_a_page_shows_the_issuing_states_local_time(people, settings):
    """The intake task renders the receipt, with UTC active: it printed the "local" time in UTC."""
    import datetime as dt
    import subprocess

    from django.utils import timezone

    from subpoenas.models import LegalDemand
    from subpoenas.receipts import receipt_sign

    demand = make_demand("TX", by=people.tess, signed_receipt=False)  # signed below, at a known time
    LegalDemand.objects.filter(pk=demand.pk).update(
        received_at=dt.datetime(2026, 3, 2, 15, 30, tzinfo=dt.UTC)
    )
    demand.refresh_from_db()
    with timezone.override(dt.UTC):
        pdf = receipt_sign(demand)
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    text = text.decode()
    assert "2026-03-02 15:30:00 UTC" in text
    assert "2026-03-02 09:30:00 CST (America/Chicago)" in text
    digest = demand.documents.get().sha256
    assert digest in text  # on one line: never wrapped mid-value
