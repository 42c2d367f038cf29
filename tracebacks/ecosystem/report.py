"""The signed PDF report of the scorecard for a window: rendered with WeasyPrint, Bates-numbered on every
page, signed (PAdES) with the organization's certificate through `itg.signing`, the same path as responses
to legal demands, and registered by the SHA-256 of the signed bytes."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from itg.audit.actions import Action
from itg.audit.services import record
from itg.exports import rows_csv
from itg.pdf import DataExhibit, render_bates_pdf
from itg.signing import load_signer, signer_from_settings
from tracebacks.ecosystem import selectors
from tracebacks.ecosystem.findings import CRITERIA, CRITERION_TITLES, RULES, Window, plural
from tracebacks.ecosystem.models import FindingReport

SIGNING_LOCATION = "Washington, DC"
SHOWN_IDS = 25


def _context(window: Window, rows: list[selectors.ScoreRow], thresholds, prefix: str, dev: bool) -> dict:
    return {
        "window": window, "thresholds": thresholds, "rows": rows, "prefix": prefix, "development": dev,
        "criteria": [(c, CRITERION_TITLES[c], RULES[c].format(count="N", threshold=thresholds.of(c), **plural("N")))
                     for c in CRITERIA],
        "generated": timezone.now(), "custodian": getattr(settings, "ITG_CUSTODIAN_NAME", "") or "the undersigned",
    }  # fmt: skip


def finding_report_sign(*, window: Window, by) -> FindingReport:
    """Render, Bates-number, sign and register the report; nothing is kept if any step fails."""
    thresholds = selectors.thresholds_of(selectors.finding_settings())
    rows = selectors.scorecard(window, thresholds)
    prefix = f"ITG-PF-{window.start:%Y%m%d}-{window.end:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"
    config = signer_from_settings()
    found = sorted(
        (f for r in rows for f in r.met.values()), key=lambda f: (f.criterion, -f.count, f.provider_id)
    )
    # Every supporting traceback id is in the embedded CSV (its SHA-256 printed, so under the signature); the
    # pages print the first ones of each finding, or a busy year's report runs to hundreds of pages of ids.
    exhibit = DataExhibit("provider-findings.csv", rows_csv(selectors.CSV_HEADER, selectors.finding_rows(found)),
                          "One row per finding with every supporting traceback id")  # fmt: skip
    context = _context(window, rows, thresholds, prefix, config.is_development)
    context |= {"exhibit": exhibit, "shown_ids": SHOWN_IDS}
    html = render_to_string("ecosystem/report_pdf.html", context)
    rendered = render_bates_pdf(html, prefix=prefix, attachments=[exhibit])
    signed = config.sign(rendered.pdf, reason="Provider findings report of the Industry Traceback Group",
                         location=SIGNING_LOCATION)  # fmt: skip
    key = default_storage.save(f"issued/findings/{uuid.uuid4().hex}.pdf", ContentFile(signed))
    try:
        with transaction.atomic():
            cert = load_signer(config.p12_path, config.passphrase).signing_cert
            report = FindingReport.objects.create(
                window_start=window.start, window_end=window.end, thresholds=thresholds.as_dict(),
                findings=sum(len(r.met) for r in rows), bates_prefix=prefix, bates_first=rendered.first,
                bates_last=rendered.last, sha256=hashlib.sha256(signed).hexdigest(), size=len(signed),
                storage_key=key, signer_name=(cert.subject.native.get("common_name", "") or "ITG")[:200],
                is_development=config.is_development, signed_by=by,
            )  # fmt: skip
            record(action=Action.FINDINGS_REPORT_SIGNED, by=by, obj=report, label=str(report),
                   changes={"window": str(window), "sha256": report.sha256,
                            "bates": [rendered.first, rendered.last]})  # fmt: skip
    except Exception:
        default_storage.delete(key)
        raise
    return report


def report_bytes(report: FindingReport) -> bytes:
    with default_storage.open(report.storage_key, "rb") as handle:
        return handle.read()
