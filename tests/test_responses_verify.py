"""Verification of signed documents: the command and the page, for every role, with the audit trail."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from itg.audit.models import AuditEvent
from itg.pdf import render_pdf
from itg.signing import DEV_SIGNER_NAME, signer_from_settings
from tests.factories import verified_login
from tests.responses_helpers import flip_one_byte, issue_small_document

pytestmark = pytest.mark.usefixtures("dev_signing")


def run_verify(tmp_path, data: bytes) -> tuple[int, str]:
    path = tmp_path / "presented.pdf"
    path.write_bytes(data)
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_response", str(path), stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_command_accepts_an_issued_response(db, tmp_path):
    document, pdf = issue_small_document()

    code, out = run_verify(tmp_path, pdf)

    assert code == 0
    assert "Signature:  valid" in out
    assert f"Signed by:  {DEV_SIGNER_NAME}" in out
    assert "Response to TX-2026-00042 (version 1)" in out
    assert "ITG-TX-2026-00042-000001 to ITG-TX-2026-00042-000001" in out
    assert "DEVELOPMENT certificate" in out
    assert "Valid, unaltered document issued by the ITG." in out
    event = AuditEvent.objects.get(action="document.verified")
    assert event.outcome == "success" and event.object_id == str(document.pk)
    assert event.changes["sha256"] == document.sha256


def test_command_reports_a_one_byte_change_as_altered(db, tmp_path):
    _, pdf = issue_small_document()

    code, out = run_verify(tmp_path, flip_one_byte(pdf))

    assert code == 1
    assert "Signature:  NOT valid" in out
    assert "altered after it was signed" in out
    assert "do not match any document the ITG issued" in out
    assert "NOT a valid, unaltered ITG response." in out
    assert AuditEvent.objects.get(action="document.verified").outcome == "failed"


def test_command_refuses_a_validly_signed_file_the_itg_never_issued(db, tmp_path):
    signed = signer_from_settings().sign(render_pdf("<p>not issued</p>"), reason="x", location="y")

    code, out = run_verify(tmp_path, signed)

    assert code == 1
    assert "Signature:  valid" in out  # the certificate is ours...
    assert "do not match any document the ITG issued" in out  # ...but these bytes were never issued


def test_command_refuses_bytes_added_after_signing(db, tmp_path):
    _, pdf = issue_small_document()

    code, out = run_verify(tmp_path, pdf + b"\n%appended\n")

    assert code == 1 and "added to the file after the ITG signed it" in out
    assert "The signed part is identical to a response to a legal demand the ITG issued" in out
    assert "Original:   Response to TX-2026-00042 (version 1)" in out


def test_command_exits_2_for_a_missing_or_non_pdf_file(db, tmp_path):
    with pytest.raises(CommandError) as missing:
        call_command("verify_response", str(tmp_path / "nope.pdf"))
    assert missing.value.returncode == 2
    code, out = run_verify(tmp_path, b"GIF89a not a pdf")
    assert code == 2 and "is not a PDF" in out


def upload(data: bytes, name: str = "response.pdf") -> dict:
    return {"file": SimpleUploadedFile(name, data, content_type="application/pdf")}


@pytest.mark.parametrize("who", ["tess", "sam", "carl", "nora", "ivy", "ada", "aldo"])
def test_every_signed_in_role_can_verify(client, people, who, tmp_path):
    _, pdf = issue_small_document()
    verified_login(client, getattr(people, who))

    page = client.get("/responses/verify/")
    result = client.post("/responses/verify/", upload(pdf))

    assert page.status_code == 200 and b'<label for="id_file">Signed PDF' in page.content
    assert result.status_code == 200
    body = result.content.decode()
    assert "Valid: an unaltered document issued by the ITG" in body
    assert DEV_SIGNER_NAME in body
    assert "ITG-TX-2026-00042-000001" in body
    assert "Development certificate" in body


def test_anyone_may_verify_without_logging_in_and_learns_only_what_the_file_proves(client, db, settings):
    """Issue 13 item 4: the page a response promises its readers is public, rate-limited and audited."""
    from tests.factories import make_demand

    demand = make_demand("TX", "In re Sealed Robocall Matter")
    document, pdf = issue_small_document(demand, title=f"Response to {demand.tracking_number}")

    page = client.get("/responses/verify/")
    body = client.post("/responses/verify/", upload(pdf), REMOTE_ADDR="198.51.100.7").content.decode()

    assert page.status_code == 200 and b'<label for="id_file">Signed PDF' in page.content
    assert "Valid: an unaltered document issued by the ITG" in body and DEV_SIGNER_NAME in body
    assert document.bates_range in body and "version 1" in body  # what the document itself prints
    assert f"/demands/{demand.pk}/" not in body and "In re Sealed" not in body  # nothing about the matter
    assert f"Response to {demand.tracking_number}" not in body
    event = AuditEvent.objects.get(action="document.verified")
    assert (event.actor_id, event.actor_email, event.ip) == (
        None,
        "anonymous visitor (verification page)",
        "198.51.100.7",
    )
    assert event.outcome == "success" and event.changes["sha256"] == document.sha256
    altered = client.post("/responses/verify/", upload(flip_one_byte(pdf))).content.decode()
    assert "altered after it was signed" in altered
    # Rate-limited per address (the first check above came from another one): the limit, then a 429.
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["verification"].split("/")[0])
    for _ in range(limit - 1):
        assert client.post("/responses/verify/", {}).status_code == 400
    refused = client.post("/responses/verify/", {})
    assert refused.status_code == 429 and "Too many documents verified" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0


def test_page_reports_an_altered_file_with_reasons(client, people):
    _, pdf = issue_small_document()
    verified_login(client, people.tess)

    body = client.post("/responses/verify/", upload(flip_one_byte(pdf))).content.decode()

    assert "Not a valid, unaltered ITG document" in body
    assert "altered after it was signed" in body
    assert "do not match any document the ITG issued" in body


def test_page_refuses_a_file_that_is_not_a_pdf_whatever_its_name(client, people, settings):
    verified_login(client, people.tess)

    response = client.post("/responses/verify/", upload(b"<html>hello</html>", "looks.pdf"))

    assert response.status_code == 400
    assert "This file is not a PDF" in response.content.decode()
    assert not AuditEvent.objects.filter(action="document.verified").exists()


def test_page_refuses_a_file_over_the_limit(client, people, settings):
    settings.ITG_VERIFY_MAX_BYTES = 2048
    verified_login(client, people.tess)

    response = client.post("/responses/verify/", upload(b"%PDF-1.7\n" + b"0" * 4096))

    assert response.status_code == 400
    assert "files up to 2.0\xa0KB can be checked" in response.content.decode()


def test_verification_stores_nothing(client, people, settings):
    _, pdf = issue_small_document()
    verified_login(client, people.ivy)
    before = sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())

    client.post("/responses/verify/", upload(pdf))

    assert sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == before


def test_the_receipt_is_signed_once_and_verifies_as_issued(client, people, tmp_path):
    from subpoenas.receipts import receipt_sign
    from tests.factories import make_demand

    demand = make_demand("TX")
    first, again = receipt_sign(demand), receipt_sign(demand)

    assert first == again  # signed once; the same bytes every time
    code, out = run_verify(tmp_path, first)
    assert code == 0 and f"Receipt of a legal demand: Receipt of {demand.tracking_number}" in out
    assert AuditEvent.objects.filter(action="receipt.signed", object_id=str(demand.pk)).count() == 1
    verified_login(client, people.ivy)
    download = client.get(f"/demands/{demand.pk}/receipt.pdf")
    assert download.content == first


@pytest.mark.parametrize(
    ("who", "names_demand"), [("tess", True), ("ivy", True), ("carl", False), ("aldo", False)]
)
def test_verification_names_the_demand_only_to_those_who_may_see_it(client, people, who, names_demand):
    from tests.factories import make_demand

    demand = make_demand("TX", "In re Confidential Robocalls")
    _, pdf = issue_small_document(demand, title=f"Response to {demand.tracking_number}")
    verified_login(client, getattr(people, who))

    body = client.post("/responses/verify/", upload(pdf)).content.decode()

    assert "Valid: an unaltered document issued by the ITG" in body
    assert (f"/demands/{demand.pk}/" in body) is names_demand
    assert (f"Response to {demand.tracking_number}" in body) is names_demand


@pytest.mark.parametrize("who", ["ada", "ivy", "tess", "aldo"])
def test_the_register_of_issued_documents_is_read_only_in_the_admin(client, people, who):
    document, _ = issue_small_document()
    verified_login(client, getattr(people, who))

    listing = client.get("/admin/responses/issueddocument/")
    change = client.post(f"/admin/responses/issueddocument/{document.pk}/change/", {"title": "Forged"})

    if who == "ada":
        assert listing.status_code == 200 and "Response to TX-2026-00042" in listing.content.decode()
        assert change.status_code == 403
    else:
        assert listing.status_code in (302, 403) and change.status_code in (302, 403)
    document.refresh_from_db()
    assert document.title == "Response to TX-2026-00042"
