"""Intake of a legal demand by API and by page: the receipt, the upload checks, idempotency, all or nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.core import mail
from rest_framework.test import APIClient

from itg.audit.models import AuditEvent
from subpoenas.models import DemandDocument, IntakeDraft, LegalDemand
from tests.factories import cached_pdf, encrypted_pdf, javascript_pdf, make_demand, verified_login

REQUESTS = [
    {"number": 1, "text": "Call detail records.", "phone_numbers": ["(214) 555-0142"]},
    {
        "number": 2,
        "text": "Subscriber information.",
        "phone_numbers": ["+1 469 555 0199"],
        "providers": ["Acme Voice"],
    },
]


def api_as(user) -> APIClient:
    client = APIClient()
    verified_login(client, user)
    return client


def form(**overrides) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "kind": "subpoena", "new_case_title": "Warranty robocalls", "caption": "In re Acme Voice LLC",
        "issuing_authority": "Consumer Protection Division", "statute": "Tex. Bus. & Com. Code 17.61",
        "date_issued": "2026-03-02", "date_served": "2026-03-02", "response_days": "30",
        "response_day_kind": "business", "contact_name": "Tess", "contact_email": "tess@tx.example",
        "requests": json.dumps(REQUESTS), "document": SimpleUploadedFile("subpoena.pdf", cached_pdf()),
    }  # fmt: skip
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_api_intake_creates_a_numbered_demand_with_requests_documents_and_receipt(
    people, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(people.tess).post("/api/demands/", form(), format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    year = body["tracking_number"].split("-")[1]
    assert body["tracking_number"] == f"TX-{year}-00001"
    demand = LegalDemand.objects.get()
    assert [r.phone_numbers for r in demand.requests.all()] == [["+12145550142"], ["+14695550199"]]
    doc = demand.documents.get()
    assert (
        doc.content_type == "application/pdf"
        and len(doc.sha256) == 64
        and doc.original_name == "subpoena.pdf"
    )
    assert "subpoena" not in doc.storage_key and Path(settings.MEDIA_ROOT, doc.storage_key).exists()
    # 30 business days from Monday 2 March 2026, skipping Cesar Chavez Day (31 March) and Good Friday (TX)
    assert demand.due_date == date(2026, 4, 15)
    assert "Good Friday (TX)" in demand.due_explanation
    assert AuditEvent.objects.filter(action="demand.received", object_id=str(demand.pk)).exists()
    receipt = mail.outbox[-1]
    assert demand.tracking_number in receipt.subject and doc.sha256 in receipt.body
    assert receipt.attachments[0][0] == f"receipt-{demand.tracking_number}.pdf"
    assert receipt.attachments[0][1][:5] == b"%PDF-"


def test_tracking_numbers_are_gapless_per_state(people):
    make_demand("TX")
    make_demand("TX")
    make_demand("CA")
    numbers = sorted(LegalDemand.objects.values_list("tracking_number", flat=True))
    year = numbers[0].split("-")[1]
    assert numbers == [f"CA-{year}-00001", f"TX-{year}-00001", f"TX-{year}-00002"]


def test_idempotency_key_makes_a_retried_post_create_one_demand(people):
    client = api_as(people.tess)
    first = client.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["tracking_number"] == first.json()["tracking_number"]
    assert again["Idempotent-Replayed"] == "true"
    assert LegalDemand.objects.count() == 1
    other = client.post(
        "/api/demands/", form(caption="Another"), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422 and "different request" in other.json()["detail"]
    assert LegalDemand.objects.count() == 1


def _bad(**overrides):
    return form(**overrides)


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


BAD_INPUTS = {
    "program renamed .pdf": (lambda: _bad(document=_upload("subpoena.pdf", b"MZ\x90\x00" + b"\x00" * 200)), "document", "a program"),
    "encrypted PDF": (lambda: _bad(document=_upload("subpoena.pdf", encrypted_pdf())), "document", "encrypted"),
    "empty file": (lambda: _bad(document=_upload("subpoena.pdf", b"")), "document", "empty"),
    "missing caption": (lambda: _bad(caption=None), "caption", "required"),
    "missing document": (lambda: _bad(document=None), "document", "No file"),
    "bad phone": (lambda: _bad(requests=json.dumps([{"number": 1, "text": "x", "phone_numbers": ["555-01"]}])), "requests", "phone number"),
    "return before service": (lambda: _bad(response_days=None, response_day_kind="", return_date="2026-03-01"), "return_date", "before the date served"),
    "attachment that is a program": (lambda: _bad(attachments=[_upload("data.csv", b"\x7fELF\x02\x01\x01" + b"\x00" * 100)]), "attachments", "accepted here"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_refused_with_a_clear_message_and_leaves_nothing(people, settings, case):
    build, field, words = BAD_INPUTS[case]
    response = api_as(people.tess).post("/api/demands/", build(), format="multipart")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors and words.lower() in json.dumps(errors[field]).lower(), errors
    assert LegalDemand.objects.count() == 0 and DemandDocument.objects.count() == 0
    assert stored_files(settings) == []


def test_oversized_file_is_refused_and_leaves_nothing(people, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    response = api_as(people.tess).post("/api/demands/", form(), format="multipart")
    assert response.status_code == 400
    assert "the limit is 0 MB" in response.json()["document"][0] or "limit" in response.json()["document"][0]
    assert LegalDemand.objects.count() == 0 and stored_files(settings) == []


def test_a_failure_after_the_files_are_stored_deletes_them(people, settings, monkeypatch):
    from subpoenas import intake

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(intake, "_write_children", lambda *a, **k: boom())
    with pytest.raises(RuntimeError):
        api_as(people.tess).post("/api/demands/", form(), format="multipart")
    assert LegalDemand.objects.count() == 0 and stored_files(settings) == []


def test_javascript_pdf_is_accepted_but_flagged_and_never_inline(people):
    response = api_as(people.tess).post(
        "/api/demands/", form(document=_upload("s.pdf", javascript_pdf())), format="multipart"
    )
    assert response.status_code == 201
    doc = DemandDocument.objects.get()
    assert doc.pdf_flags == ["javascript"] and not doc.viewable_inline


def test_likely_duplicate_is_shown_and_needs_confirmation(people):
    client = api_as(people.tess)
    assert client.post("/api/demands/", form(), format="multipart").status_code == 201
    again = client.post("/api/demands/", form(), format="multipart")
    assert again.status_code == 400 and "already received" in again.json()["confirm_duplicate"][0]
    assert client.post("/api/demands/", form(confirm_duplicate="true"), format="multipart").status_code == 201


def test_only_ag_staff_submit(people):
    for user in (people.ivy, people.aldo):
        assert api_as(user).post("/api/demands/", form(), format="multipart").status_code == 403
    assert LegalDemand.objects.count() == 0


def test_page_intake_two_steps_prefills_requests_from_the_pdf(client, people, settings):
    verified_login(client, people.tess)
    response = client.post("/demands/new/", {"document": _upload("subpoena.pdf", cached_pdf())})
    assert response.status_code == 302
    draft = IntakeDraft.objects.get()
    review = client.get(response["Location"]).content.decode()
    assert "All call detail records for calls from (214) 555-0142" in review
    assert "+12145550142" in review and "+14695550199" in review
    fields = {
        "kind": "subpoena", "case": "new", "new_case_title": "Warranty", "caption": "In re Acme",
        "issuing_authority": "CPD", "date_issued": "2026-03-02", "date_served": "2026-03-02",
        "return_date": "2026-04-01", "confidentiality": "standard", "contact_name": "Tess",
        "contact_email": "tess@tx.example", "req-TOTAL_FORMS": "3", "req-INITIAL_FORMS": "0",
        "req-0-number": "1", "req-0-text": "Records", "req-0-phone_numbers": "(214) 555-0142",
        "req-1-number": "2", "req-1-text": "Subscribers", "req-1-phone_numbers": "469.555.0199",
    }  # fmt: skip
    done = client.post(f"/demands/new/{draft.pk}/", fields)
    assert done.status_code == 302, done.content.decode()[:3000]
    demand = LegalDemand.objects.get()
    assert demand.requests.count() == 2 and demand.due_date == date(2026, 4, 1)
    assert not IntakeDraft.objects.exists()
    receipt = client.get(done["Location"]).content.decode()
    assert demand.tracking_number in receipt and demand.documents.get().sha256 in receipt


def test_page_upload_of_a_bad_file_says_why_and_stores_nothing(client, people, settings):
    verified_login(client, people.tess)
    response = client.post("/demands/new/", {"document": _upload("subpoena.pdf", b"MZ" + b"\x00" * 100)})
    assert response.status_code == 400 and "a program" in response.content.decode()
    assert not IntakeDraft.objects.exists() and stored_files(settings) == []


def test_page_review_with_missing_fields_keeps_the_draft_and_writes_no_demand(client, people):
    verified_login(client, people.tess)
    client.post("/demands/new/", {"document": _upload("subpoena.pdf", cached_pdf())})
    draft = IntakeDraft.objects.get()
    response = client.post(f"/demands/new/{draft.pk}/", {"req-TOTAL_FORMS": "1", "req-INITIAL_FORMS": "0"})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert LegalDemand.objects.count() == 0


def test_same_state_caption_and_dates_is_a_likely_duplicate_even_with_another_file(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import pdf_bytes

    client = api_as(people.tess)
    assert client.post("/api/demands/", form(), format="multipart").status_code == 201
    other_file = SimpleUploadedFile("rescan.pdf", pdf_bytes("A rescan of the same subpoena"))
    again = client.post("/api/demands/", form(document=other_file), format="multipart")
    assert (
        again.status_code == 400
        and LegalDemand.objects.get().tracking_number in again.json()["confirm_duplicate"][0]
    )


def test_a_retry_while_the_first_request_is_still_running_is_told_to_wait(people):
    from subpoenas.models import IdempotencyKey

    client = api_as(people.tess)
    first = client.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="slow")
    IdempotencyKey.objects.filter(key="slow").update(status_code=0)  # as if it had not finished yet
    again = client.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="slow")
    assert (
        first.status_code == 201
        and again.status_code == 409
        and "still being processed" in again.json()["detail"]
    )


def test_a_refused_request_frees_its_idempotency_key(people):
    client = api_as(people.tess)
    bad = client.post("/api/demands/", form(caption=None), format="multipart", HTTP_IDEMPOTENCY_KEY="k-2")
    assert bad.status_code == 400
    good = client.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="k-2")
    assert good.status_code == 201


def test_extract_endpoint_returns_the_prefill_and_stores_nothing(people, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api_as(people.tess).post(
        "/api/demands/extract/", {"document": SimpleUploadedFile("s.pdf", cached_pdf())}, format="multipart"
    )
    body = response.json()
    assert [r["number"] for r in body["requests"]] == [1, 2]
    assert body["phone_numbers"] == ["+12145550142", "+14695550199"]
    assert body["return_date"] == "2026-04-01" and body["date_issued"] == "2026-03-02"
    assert stored_files(settings) == []


def test_search_finds_a_provider_named_in_a_request(client, people):
    api_as(people.tess).post("/api/demands/", form(), format="multipart")
    verified_login(client, people.ivy)
    assert "In re Acme Voice LLC" in client.get("/demands/", {"q": "acme voice"}).content.decode()


def test_abandoned_uploads_are_purged_with_their_files(
    client, people, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from subpoenas.intake import intake_drafts_purge

    verified_login(client, people.tess)
    client.post("/demands/new/", {"document": _upload("subpoena.pdf", cached_pdf())})
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert intake_drafts_purge(older_than=timezone.now() - timedelta(days=2)) == 0
        assert intake_drafts_purge(older_than=timezone.now() + timedelta(seconds=1)) >= 1
    assert not IntakeDraft.objects.exists() and stored_files(settings) == []


def test_page_review_shows_a_likely_duplicate_before_submitting(client, people):
    first = make_demand("TX", "In re Repeat Dialers", by=people.tess)
    verified_login(client, people.sam)
    response = client.post("/demands/new/", {"document": _upload("again.pdf", cached_pdf())})
    review = client.get(response["Location"]).content.decode()
    assert "Possible duplicate" in review and first.tracking_number in review
    assert "100 MB each" in client.get("/demands/new/").content.decode()


def test_the_receipt_task_sends_once_even_if_delivered_twice(people):
    from subpoenas.tasks import send_receipt

    demand = make_demand("TX", by=people.tess)
    mail.outbox.clear()
    send_receipt(demand.pk)
    send_receipt(demand.pk)
    assert len(mail.outbox) == 1 and demand.tracking_number in mail.outbox[0].subject


def test_admin_shows_demands_read_only_to_itg_administrators(client, people):
    demand = make_demand("TX", by=people.tess)
    verified_login(client, people.ada)
    page = client.get(f"/admin/subpoenas/legaldemand/{demand.pk}/change/")
    assert page.status_code == 200 and demand.tracking_number in page.content.decode()
    assert (
        client.post(f"/admin/subpoenas/legaldemand/{demand.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    verified_login(client, people.ivy)
    assert client.get("/admin/subpoenas/legaldemand/").status_code == 302


def test_a_slot_that_never_completed_expires_and_the_retry_submits_once(people, monkeypatch):
    """A request that dies with the database (its release fails too) leaves the slot pending and nothing
    stored: a retry is told to wait, and once the request budget has passed it submits the demand, once."""
    from datetime import timedelta

    from django.utils import timezone

    from subpoenas import idempotency
    from subpoenas.api import views as api
    from subpoenas.models import IdempotencyKey

    client = api_as(people.tess)
    client.raise_request_exception = False
    with monkeypatch.context() as m:
        m.setattr(api.DemandViewSet, "_create", lambda self, request: 1 / 0)
        m.setattr(idempotency, "_release", lambda slot: None)  # the database is down: the cleanup fails
        assert (
            client.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="lost").status_code
            == 500
        )
    assert IdempotencyKey.objects.get(key="lost").status_code == 0 and LegalDemand.objects.count() == 0
    wait = client.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="lost")
    assert wait.status_code == 409 and "nothing was stored" in wait.json()["detail"] and wait["Retry-After"]
    IdempotencyKey.objects.filter(key="lost").update(
        created_at=timezone.now() - idempotency.SLOT_TIMEOUT - timedelta(seconds=1)
    )
    retry = client.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="lost")
    assert retry.status_code == 201 and LegalDemand.objects.count() == 1
    replay = client.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="lost")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == retry.json()["id"] and LegalDemand.objects.count() == 1


def test_a_failure_inside_the_request_rolls_back_the_demand_with_its_slot(people, monkeypatch):
    """The slot completes in the demand's transaction: a crash after the demand is written leaves neither."""
    from subpoenas.models import IdempotencyKey

    client = api_as(people.tess)
    client.raise_request_exception = False
    monkeypatch.setattr(IdempotencyKey.objects, "filter", _boom_on_update(IdempotencyKey.objects.filter))
    failed = client.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="k-9")
    assert failed.status_code == 500
    assert LegalDemand.objects.count() == 0


def _boom_on_update(filter_):
    class Boom:
        def __init__(self, qs):
            self.qs = qs

        def update(self, **kwargs):
            raise RuntimeError("database went away")

        def delete(self):
            return self.qs.delete()

    return lambda *a, **k: Boom(filter_(*a, **k))
