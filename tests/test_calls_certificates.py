"""The STIR/SHAKEN certificate page: ITG staff add (file or pasted PEM) and remove the certificates
PASSporTs verify against; every change audited; a bad file refused with the reason and nothing kept;
everyone else refused (AG staff of two states, an auditor, providers, visitors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile

from itg.audit.models import AuditEvent
from providers.services import provider_token_create
from tests.calls_helpers import csv_bytes, import_file
from tests.factories import make_provider, verified_login
from tests.test_calls_sources_more import X5U, _cert, _token
from tracebacks.calls.models import CallRecord, SigningCertificate

pytestmark = pytest.mark.django_db
NOT_ITG = ["tess", "sam", "carl", "nora", "aldo"]


def _add(client, pem: bytes, *, name="Example Carrier", as_file=True):
    data = {"name": name, "x5u": X5U}
    if as_file:
        data["file"] = SimpleUploadedFile("carrier.pem", pem, content_type="application/x-pem-file")
    else:
        data["pem"] = pem.decode()
    return client.post("/calls/certificates/", data)


def test_itg_staff_add_a_certificate_and_tokens_it_signed_verify(client, people, tmp_path):
    key, pem = _cert()
    verified_login(client, people.ivy)
    response = _add(client, pem)
    assert response.status_code == 302 and response["Location"] == "/calls/certificates/"
    cert = SigningCertificate.objects.get()
    assert (cert.name, cert.x5u, cert.uploaded_by) == ("Example Carrier", X5U, people.ivy)
    page = client.get("/calls/certificates/").content.decode()
    assert "Example Carrier" in page and "CN=SHAKEN Example Carrier" in page and cert.fingerprint[:16] in page
    event = AuditEvent.objects.get(action="calls.certificate_added")
    assert (event.actor, event.object_id) == (people.ivy, str(cert.pk))
    import_file(tmp_path, "shaken", csv_bytes(["identity"], [[_token(key)]]))
    assert CallRecord.objects.get().verification == "valid"


def test_pasted_pem_works_and_a_duplicate_or_bad_file_is_refused_with_the_reason(client, people):
    _key, pem = _cert()
    verified_login(client, people.ivy)
    assert _add(client, pem, as_file=False).status_code == 302
    again = _add(client, pem)
    assert again.status_code == 400 and "already on file" in again.content.decode()
    junk = _add(client, b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    assert junk.status_code == 400 and "This is not a PEM certificate" in junk.content.decode()
    empty = client.post("/calls/certificates/", {"name": "Nothing"})
    assert (
        empty.status_code == 400
        and "Choose the certificate file, or paste its PEM text." in empty.content.decode()
    )
    big = _add(client, b"x" * (65 * 1024))
    assert big.status_code == 400 and "larger than 64 KB" in big.content.decode()
    assert SigningCertificate.objects.count() == 1
    assert AuditEvent.objects.filter(action="calls.certificate_added").count() == 1


def test_a_certificate_that_cannot_sign_es256_is_refused(client, people):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "RSA Carrier")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=30))
            .sign(key, hashes.SHA256()))  # fmt: skip
    verified_login(client, people.ivy)
    response = _add(client, cert.public_bytes(serialization.Encoding.PEM))
    assert response.status_code == 400 and "not an EC P-256 key" in response.content.decode()
    assert not SigningCertificate.objects.exists()


def test_removing_a_certificate_is_audited_and_later_tokens_are_unverified(client, people, tmp_path):
    key, pem = _cert()
    verified_login(client, people.ivy)
    _add(client, pem)
    cert = SigningCertificate.objects.get()
    assert client.get(f"/calls/certificates/{cert.pk}/remove/").status_code == 405
    response = client.post(f"/calls/certificates/{cert.pk}/remove/")
    assert response.status_code == 302 and not SigningCertificate.objects.exists()
    event = AuditEvent.objects.get(action="calls.certificate_removed")
    assert event.actor == people.ivy and event.changes["fingerprint"] == [cert.fingerprint, None]
    assert client.post(f"/calls/certificates/{cert.pk}/remove/").status_code == 404
    import_file(tmp_path, "shaken", csv_bytes(["identity"], [[_token(key)]]))
    assert CallRecord.objects.get().verification == "unverified"


@pytest.mark.parametrize("who", NOT_ITG)
def test_ag_users_of_any_state_and_auditors_may_not_see_add_or_remove(client, people, who):
    _key, pem = _cert()
    verified_login(client, people.ivy)
    _add(client, pem)
    cert = SigningCertificate.objects.get()
    client.logout()
    verified_login(client, getattr(people, who))
    assert client.get("/calls/certificates/").status_code == 403
    assert _add(client, _cert()[1], name="Intruder").status_code == 403
    assert client.post(f"/calls/certificates/{cert.pk}/remove/").status_code == 403
    assert list(SigningCertificate.objects.values_list("name", flat=True)) == ["Example Carrier"]
    assert not AuditEvent.objects.filter(action="calls.certificate_removed").exists()


def test_providers_and_visitors_are_refused(client, people):
    token = provider_token_create(by=people.ivy, provider=make_provider("Last Mile Telecom"))
    for response in (client.get("/calls/certificates/"), client.post("/calls/certificates/1/remove/")):
        assert response["Location"].startswith("/accounts/login/")
    response = client.get("/calls/certificates/", HTTP_AUTHORIZATION=f"Provider {token}")
    assert response.status_code in (302, 401, 403)
    assert response.status_code != 200
