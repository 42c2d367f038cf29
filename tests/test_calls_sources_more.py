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

from tests.calls_helpers import csv_bytes, import_file, out_of_range, rejects_csv
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


def test_passport_issued_at_times_out_of_range_are_rejected_rows(tmp_path, people, client):
    """An iat past year 9999 overflowed the conversion to a time (or the bigint column); one outside the
    portal's dates, or not a number, is a rejected row saying so."""
    key, pem = _cert()
    signing_certificate_add(by=people.ivy, name="Example Carrier", pem=pem, x5u=X5U)
    first, last = -2208988800, 7258118399  # 1900-01-01 00:00:00 and 2199-12-31 23:59:59 UTC
    iats = [
        1772700000,
        253402300800,
        10**20,
        first - 1,
        first,
        last,
        last + 1,
        float("inf"),
        "1772700000",
        True,
    ]
    lines = [_token(key, orig=f"120255501{i:02d}", iat=iat) for i, iat in enumerate(iats)]
    job = import_file(tmp_path, "shaken", "\n".join([*lines, lines[0]]).encode(), name="identity.txt")
    assert (job.status, job.created, job.duplicates, job.rejected) == ("done", 3, 1, 7)
    bound = (
        "is out of range: an issued-at time must be from 1900-01-01 to 2199-12-31 (seconds since 1970, UTC)."
    )
    expected = {
        2: f"The PASSporT's iat 253402300800 {bound}", 3: f"The PASSporT's iat 100000000000000000000 {bound}",
        4: f"The PASSporT's iat -2208988801 {bound}", 7: f"The PASSporT's iat 7258118400 {bound}",
        8: "The PASSporT's iat Infinity is not a number of seconds since 1970.",
        9: "The PASSporT's iat \"1772700000\" is not a number of seconds since 1970.",
        10: "The PASSporT's iat true is not a number of seconds since 1970.",
    }  # fmt: skip
    assert dict(job.rejects.values_list("line", "reason")) == rejects_csv(client, people.ivy, job) == expected
    assert sorted(CallRecord.objects.values_list("call_at", "iat", "verification")) == [
        (datetime(1900, 1, 1, tzinfo=UTC), first, "valid"),
        (datetime.fromtimestamp(1772700000, UTC), 1772700000, "valid"),
        (datetime(2199, 12, 31, 23, 59, 59, tzinfo=UTC), last, "valid"),
    ]


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


def test_honeypot_times_out_of_range_are_rejected_rows_in_csv_and_json_lines(tmp_path, client, people):
    """Out of range as written: an offset would carry year 9999 past what a datetime holds in UTC, and
    year 1 before it (both crashed the import with an OverflowError)."""
    header = ["id", "call_time", "calling_number", "called_number", "transcript", "time_zone"]
    rows = [
        ["hp-1", "9999-12-31T23:59:59-05:00", "2025550143", "3125550199", "x", ""],
        ["hp-2", "9999-12-31 23:59:59", "2025550143", "3125550199", "x", "America/New_York"],
        ["hp-3", "0001-01-01T00:00:00+01:00", "2025550143", "3125550199", "x", ""],
        ["hp-4", "2026-03-05T14:03:00-05:00", "2025550143", "3125550199", "press one", ""],
        ["hp-5", "2199-12-31T23:59:59-10:00", "2025550143", "3125550199", "x", ""],  # 2200 in UTC, kept
        ["hp-4", "2026-03-05T14:03:00-05:00", "2025550143", "3125550199", "press one", ""],
        ["hp-6", "1899-12-31T23:59:59Z", "2025550143", "3125550199", "x", ""],
    ]  # fmt: skip
    expected = {
        2: out_of_range("call_time", "9999-12-31T23:59:59-05:00"), 3: out_of_range("call_time", "9999-12-31 23:59:59"),
        4: out_of_range("call_time", "0001-01-01T00:00:00+01:00"), 8: out_of_range("call_time", "1899-12-31T23:59:59Z"),
    }  # fmt: skip
    job = import_file(tmp_path, "transcripts", csv_bytes(header, rows))
    assert (job.status, job.created, job.duplicates, job.rejected) == ("done", 2, 1, 4)
    assert dict(job.rejects.values_list("line", "reason")) == rejects_csv(client, people.ivy, job) == expected
    assert dict(CallRecord.objects.values_list("source_record_id", "call_at")) == {
        "hp-4": datetime(2026, 3, 5, 19, 3, tzinfo=UTC), "hp-5": datetime(2200, 1, 1, 9, 59, 59, tzinfo=UTC)}  # fmt: skip
    lines = "\n".join(json.dumps(dict(zip(header, row, strict=True))) for row in rows).encode()
    as_lines = import_file(tmp_path, "transcripts", lines, name="honeypot.jsonl")
    assert (as_lines.created, as_lines.duplicates, as_lines.rejected) == (0, 3, 4)
    assert dict(as_lines.rejects.values_list("line", "reason")) == {k - 1: v for k, v in expected.items()}


def test_cdr_times_out_of_range_are_rejected_naming_the_providers_column(tmp_path, people, client):
    from tests.factories import make_provider

    provider = make_provider("Last Mile Telecom")
    header = ["CallID", "Start", "ANI", "DNIS"]
    rows = [
        ["c1", "9999-12-31 23:59:59", "2025550143", "3125550199"],  # in the mapping's zone, Chicago
        ["c2", "2026-03-05 08:03:00", "2025550143", "3125550199"],
        ["c3", "9999-12-31T20:00:00-08:00", "2025550143", "3125550199"],
        ["c4", "1492-10-12 10:00:00", "2025550143", "3125550199"],
        ["c5", "2199-12-31 23:59:59", "2025550143", "3125550199"],
    ]  # fmt: skip
    mapping = {"record_id": "CallID", "call_time": "Start", "calling_number": "ANI", "called_number": "DNIS"}
    job = import_file(tmp_path, "cdr", csv_bytes(header, rows), by=people.ivy, provider=provider, mapping=mapping,
                      time_zone="America/Chicago")  # fmt: skip
    assert (job.status, job.created, job.duplicates, job.rejected) == ("done", 2, 0, 3)
    assert dict(job.rejects.values_list("line", "reason")) == rejects_csv(client, people.ivy, job) == {
        2: out_of_range("Start", "9999-12-31 23:59:59"), 4: out_of_range("Start", "9999-12-31T20:00:00-08:00"),
        5: out_of_range("Start", "1492-10-12 10:00:00"),
    }  # fmt: skip
    assert dict(CallRecord.objects.values_list("source_record_id", "call_at")) == {
        "c2": datetime(2026, 3, 5, 14, 3, tzinfo=UTC), "c5": datetime(2200, 1, 1, 5, 59, 59, tzinfo=UTC)}  # fmt: skip


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
