"""STIR/SHAKEN tokens (valid, tampered, unknown certificate, undecodable) and honeypot transcripts with
recordings in a zip."""

from __future__ import annotations

import base64
import io
import json
import wave
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from tests.calls_helpers import csv_bytes, import_file
from tracebacks.calls.models import CallRecord
from tracebacks.calls.services import signing_certificate_add

pytestmark = pytest.mark.django_db
X5U = "https://cert.example-carrier.com/shaken.pem"


def _cert():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SHAKEN Example Carrier")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365)).sign(key, hashes.SHA256()))  # fmt: skip
    return key, cert.public_bytes(serialization.Encoding.PEM)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _token(key, *, orig="12025550143", dest="13125550199", attest="A", iat=1772700000, x5u=X5U) -> str:
    header = _b64(json.dumps({"alg": "ES256", "typ": "passport", "ppt": "shaken", "x5u": x5u}).encode())
    claims = _b64(json.dumps({"attest": attest, "orig": {"tn": orig}, "dest": {"tn": [dest]}, "iat": iat,
                              "origid": "123e4567-e89b-12d3-a456-426614174000"}).encode())  # fmt: skip
    r, s = decode_dss_signature(key.sign(f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256())))
    signature = _b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    return f"{header}.{claims}.{signature};info=<{X5U}>;alg=ES256;ppt=shaken"


def test_passports_are_verified_against_uploaded_certificates_and_always_kept(tmp_path, people):
    key, pem = _cert()
    stranger, _ = _cert()
    signing_certificate_add(by=people.ivy, name="Example Carrier", pem=pem, x5u=X5U)
    good = _token(key)
    head, claims, rest = good.split(".", 2)
    forged_claims = _b64(json.loads(base64.urlsafe_b64decode(claims + "==")) | {"attest": "A", "orig": {"tn": "18005550100"}}
                         and json.dumps({"attest": "A", "orig": {"tn": "18005550100"}, "dest": {"tn": ["13125550199"]},
                                         "iat": 1772700000, "origid": "x"}).encode())  # fmt: skip
    tampered = f"{head}.{forged_claims}.{rest}"
    unknown = _token(stranger, orig="12025550177", x5u="https://elsewhere.example/cert.pem")
    lines = [f"Identity: {good}", tampered, unknown, "not-a-token", good]
    job = import_file(tmp_path, "shaken", "\n".join(lines).encode(), name="identity.txt")
    assert (job.created, job.duplicates, job.rejected) == (3, 1, 1)
    assert dict(job.rejects.values_list("line", "reason")) == {
        4: "Not a PASSporT: expected header.claims.signature (base64url), as in a SIP Identity header."
    }
    by_orig = {r.orig_tn: r for r in CallRecord.objects.all()}
    valid = by_orig["12025550143"]
    assert (valid.verification, valid.attest, valid.calling_number, valid.called_number, valid.x5u) == (
        "valid", "A", "+12025550143", "+13125550199", X5U)  # fmt: skip
    assert valid.call_at == datetime.fromtimestamp(1772700000, UTC) and valid.passport.startswith("Identity:")
    assert by_orig["18005550100"].verification == "invalid" and by_orig["18005550100"].passport == tampered
    assert by_orig["12025550177"].verification == "unverified"


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 800)
    return out.getvalue()


def test_honeypot_transcripts_with_recordings_in_a_zip(tmp_path):
    header = ["id", "call_time", "calling_number", "called_number", "transcript", "recording"]
    rows = [
        ["hp-1", "2026-03-05T14:03:00-05:00", "202-555-0143", "312-555-0199", "this is the social security", "a.wav"],
        ["hp-2", "2026-03-05 19:04:00", "+12025550143", "+13125550198", "press one now", ""],
        ["hp-3", "2026-03-05 19:05:00", "+12025550143", "+13125550197", "x", "missing.wav"],
        ["hp-4", "2026-03-05 19:06:00", "+12025550143", "+13125550196", "x", "fake.wav"],
        ["hp-5", "yesterday", "+12025550143", "+13125550196", "x", ""],
    ]  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("calls.csv", csv_bytes(header, rows))
        archive.writestr("audio/a.wav", _wav())
        archive.writestr("audio/fake.wav", b"MZ\x90\x00 not audio at all")
    job = import_file(tmp_path, "transcripts", buffer.getvalue(), name="honeypot.zip")
    assert (job.created, job.rejected) == (2, 3)
    reasons = dict(job.rejects.values_list("line", "reason"))
    assert reasons[4] == "The recording missing.wav is not in the zip."
    assert "fake.wav: this is a program" in reasons[5]
    assert reasons[6] == "call_time 'yesterday' is not an ISO 8601 time (e.g. 2026-03-05T14:03:00-05:00)."
    first = CallRecord.objects.get(source_record_id="hp-1")
    assert first.call_at == datetime(2026, 3, 5, 19, 3, tzinfo=UTC) and first.called_state == "IL"
    assert first.recording.name.startswith("calls/recordings/") and first.recording.name.endswith(".wav")
    second = CallRecord.objects.get(source_record_id="hp-2")
    assert not second.recording and second.call_at == datetime(2026, 3, 5, 19, 4, tzinfo=UTC)
    # hp-1 and hp-2 are a minute apart but to different called numbers: two calls
    assert first.call_group != second.call_group


def test_cdr_with_a_mapping_saved_per_provider_and_the_command(tmp_path, people, capsys):
    from django.core.management import call_command

    from tests.factories import make_provider
    from tracebacks.calls.models import CdrMapping
    from tracebacks.calls.services import saved_mapping

    provider = make_provider("Last Mile Telecom")
    header = ["CallID", "Start (UTC)", "ANI", "DNIS", "Ingress", "Egress"]
    rows = [
        ["c1", "2026-03-05 14:03:00", "2025550143", "3125550199", "Transit Carrier Inc", "Last Mile Telecom"],
        ["c2", "2026-03-05 14:04:00", "2025550143", "", "Transit Carrier Inc", "Last Mile Telecom"],
        ["c1", "2026-03-05 14:03:00", "2025550143", "3125550199", "Transit Carrier Inc", "Last Mile Telecom"],
    ]  # fmt: skip
    mapping = {"record_id": "CallID", "call_time": "Start (UTC)", "calling_number": "ANI", "called_number": "DNIS",
               "from_provider": "Ingress", "to_provider": "Egress"}  # fmt: skip
    job = import_file(tmp_path, "cdr", csv_bytes(header, rows), by=people.ivy, provider=provider, mapping=mapping,
                      save_mapping=True)  # fmt: skip
    assert (job.created, job.duplicates, job.rejected) == (1, 1, 1)
    assert dict(job.rejects.values_list("line", "reason")) == {3: "DNIS is blank."}
    call = CallRecord.objects.get()
    assert (call.provider_id, call.from_provider, call.called_state) == (
        provider.pk,
        "Transit Carrier Inc",
        "IL",
    )
    assert CdrMapping.objects.get(provider=provider).mapping == mapping and saved_mapping(provider) == mapping
    path = tmp_path / "next.csv"
    path.write_bytes(csv_bytes(header, [["c9", "2026-03-06 10:00:00", "2025550143", "3125550100", "", ""]]))
    call_command("import_calls", "cdr", str(path), "--provider", str(provider.pk))  # the saved mapping
    assert "created 1, duplicates 0, rejected 0" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        call_command("import_calls", "ftc-dnc", str(path))
    assert exit_.value.code == 1 and "Missing: Company_Phone_Number" in capsys.readouterr().err
