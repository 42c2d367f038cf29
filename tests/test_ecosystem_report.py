"""The signed PDF report of the scorecard: Bates-numbered, PAdES-signed, registered, audited; bad windows."""

from __future__ import annotations

import hashlib
import subprocess

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage

from itg.audit.models import AuditEvent
from itg.signing import dev_trust_roots, verify_pdf
from tests import ecosystem_world
from tests.factories import verified_login
from tracebacks.ecosystem.models import FindingReport


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_signed_report_for_a_chosen_window(client, people, dev_signing, tmp_path, db):
    ecosystem_world.build()
    verified_login(client, people.ivy)
    response = client.post("/ecosystem/reports/", {"since": "2025-12-01", "until": "2026-11-30"})
    assert response.status_code == 302
    report = FindingReport.objects.get()
    assert (report.window_start.isoformat(), report.findings, report.bates_first) == ("2025-12-01", 7, 1)
    pdf = client.get(f"/ecosystem/reports/{report.pk}.pdf").content
    assert hashlib.sha256(pdf).hexdigest() == report.sha256 and default_storage.exists(report.storage_key)
    result = verify_pdf(pdf, dev_trust_roots(dev_signing))
    assert result.acceptable and result.covers_whole_document
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 - poppler-utils, as in the other PDF tests
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "No Logs Telecom" in text and "47 CFR 64.6305" in text and "DEVELOPMENT SIGNATURE" in text
    assert (
        f"{report.bates_prefix}-000001" in text and f"{report.bates_prefix}-{report.bates_last:06d}" in text
    )
    assert AuditEvent.objects.filter(action="findings.report_signed", actor=people.ivy).count() == 1
    assert AuditEvent.objects.filter(action="findings.exported", changes__format="pdf").count() == 1
    middle = len(pdf) // 3  # a byte of the page content, under the signature
    from itg.pdf import read_embedded_files

    embedded = read_embedded_files(pdf)["provider-findings.csv"].decode()
    assert (
        embedded.startswith("provider_id,rmd_number,provider_name,criterion")
        and "No Logs Telecom" in embedded
    )
    assert hashlib.sha256(embedded.encode()).hexdigest() in text.replace("\n", "").replace(" ", "")
    tampered = pdf[:middle] + bytes([pdf[middle] ^ 1]) + pdf[middle + 1 :]
    assert not verify_pdf(tampered, dev_trust_roots(dev_signing)).acceptable


def test_a_report_for_a_window_ending_before_it_starts_is_refused(client, people, db):
    verified_login(client, people.ivy)
    response = client.post("/ecosystem/reports/", {"since": "2026-05-01", "until": "2026-04-01"})
    assert response.status_code == 400 and "before it starts" in response.content.decode()
    assert not FindingReport.objects.exists()


@pytest.mark.parametrize("who", ["tess", "carl", "aldo"])
def test_reports_are_itg_only(client, people, who, db):
    verified_login(client, getattr(people, who))
    assert client.get("/ecosystem/reports/").status_code == 403
    assert (
        client.post("/ecosystem/reports/", {"since": "2026-01-01", "until": "2026-02-01"}).status_code == 403
    )
    assert not FindingReport.objects.exists()
