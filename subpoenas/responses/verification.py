"""Is this PDF a valid, unaltered document the ITG issued? One answer for the page and the command.

Two independent checks, both needed: the PAdES signature (intact, cryptographically valid, chaining to the
ITG's trust root, covering the whole file) and byte identity with an `IssuedDocument` row. A file can be
validly signed yet not be one we issued (signed by someone else's certificate chaining to a public root, or
a test file), and a file we issued can be damaged; the user needs to know which.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from pyhanko.pdf_utils.reader import PdfFileReader

from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from itg.signing import Certificate, VerificationResult, dev_trust_roots, load_certificates, verify_pdf
from subpoenas.responses.models import IssuedDocument
from tracebacks.ecosystem.models import FindingReport, NoticeLetter

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Verification:
    """The verdict on one file: the signature check, the matching issued document, and the reasons."""

    result: VerificationResult
    issued: IssuedDocument | None
    reasons: list[str] = field(default_factory=list)
    signed_part_of: IssuedDocument | None = None  # bytes were appended to this issued document

    @property
    def is_itg_original(self) -> bool:
        """Valid, whole-file signature by a trusted signer and byte-identical to a document we issued."""
        return self.result.acceptable and self.issued is not None

    @property
    def sha256(self) -> str:
        return self.result.document_sha256


def trust_roots() -> list[Certificate]:
    """The roots a signature must chain to: the configured PEM, else the signing PKCS#12's own chain,
    else (development) the local development CA."""
    pem = getattr(settings, "ITG_SIGNING_TRUST_ROOTS", "") or ""
    if pem:
        return load_certificates(pem)
    p12 = getattr(settings, "ITG_SIGNING_P12_PATH", "") or ""
    if p12:
        return _p12_chain(str(p12), settings.ITG_SIGNING_P12_PASSPHRASE)
    return list(dev_trust_roots(settings.ITG_DEV_CA_DIR))


@lru_cache(maxsize=2)
def _p12_chain(path: str, passphrase: str) -> list[Certificate]:
    _key, cert, chain = pkcs12.load_key_and_certificates(Path(path).read_bytes(), passphrase.encode())
    return list(chain) or ([cert] if cert else [])


def looks_like_pdf(head: bytes) -> bool:
    """PDF by its bytes, not its name: the header must appear in the first kilobyte (ISO 32000-1, 7.5.2
    allows leading junk; readers accept it within 1024 bytes)."""
    return PDF_MAGIC in head[:1024]


def _signed_revision(pdf_bytes: bytes) -> bytes | None:
    """The bytes the last signature covers (its revision), when the file has more after them."""
    try:
        signature = PdfFileReader(BytesIO(pdf_bytes), strict=False).embedded_signatures[-1]
        start, first_len, second_start, second_len = signature.byte_range
    except Exception:  # unreadable or unsigned: nothing to recover
        return None
    end = second_start + second_len
    return pdf_bytes[:end] if start == 0 and end < len(pdf_bytes) else None


def registered(sha256: str) -> IssuedDocument | None:
    """The issued document with these bytes, in any of the ITG's registers of signed documents.

    Responses, receipts and alert packets are `IssuedDocument` rows; findings reports and notice letters
    are registered by `tracebacks.ecosystem` (which cannot import this app), so a match there comes back as
    an unsaved `IssuedDocument` describing it, and the page and the command treat every kind alike."""
    if found := IssuedDocument.objects.filter(sha256=sha256).first():
        return found
    if report := FindingReport.objects.filter(sha256=sha256).first():
        return IssuedDocument(
            kind=IssuedDocument.Kind.FINDINGS, title=str(report), bates_prefix=report.bates_prefix,
            bates_first=report.bates_first, bates_last=report.bates_last, sha256=report.sha256, size=report.size,
            storage_key=report.storage_key, signer_name=report.signer_name, signed_at=report.signed_at,
            is_development=report.is_development,
        )  # fmt: skip
    if letter := NoticeLetter.objects.filter(sha256=sha256).first():
        return IssuedDocument(
            kind=IssuedDocument.Kind.LETTER, title=f"{letter}", bates_prefix=letter.reference,
            bates_first=letter.bates_first, bates_last=letter.bates_last, sha256=letter.sha256, size=letter.size,
            storage_key=letter.storage_key, signer_name=letter.signer_name, signed_at=letter.sent_at,
            is_development=letter.is_development,
        )  # fmt: skip
    return None


def _original_of(pdf_bytes: bytes, result: VerificationResult) -> IssuedDocument | None:
    """An issued document to which bytes were only appended (a viewer's incremental save, or worse):
    the user learns which original to ask for, though the file itself is not it."""
    if not (result.intact and result.valid) or result.covers_whole_document:
        return None
    revision = _signed_revision(pdf_bytes)
    if revision is None:
        return None
    return registered(hashlib.sha256(revision).hexdigest())


def _reasons(result: VerificationResult, issued: IssuedDocument | None) -> list[str]:
    reasons = []
    if result.signature_count == 0 or not result.field_name:
        reasons.append(result.summary)
    else:
        if not result.intact:
            # Altered bytes are the whole story: the signature cannot be judged on them, and pyHanko then also
            # reports it invalid and untrusted, which told users the ITG's own file "does not chain to the
            # ITG's root" when its only fault was one changed byte.
            reasons.append(
                "The document was altered after it was signed: its bytes no longer match the signature."
            )
        elif not result.valid:
            reasons.append("The signature is cryptographically invalid.")
        if result.intact and result.valid and not result.trusted:
            reasons.append("The signing certificate does not chain to the ITG's trust root.")
        if result.intact and result.valid and result.trusted and not result.valid_overall:
            reasons.append("A signature or its time-stamp failed validation.")
        if not result.covers_whole_document:
            reasons.append("Bytes were added to the file after the ITG signed it.")
    if issued is None:
        reasons.append("These exact bytes do not match any document the ITG issued.")
    return reasons


def _anonymous_actor(source: str) -> str:
    # The public page's visitor is known by address and user agent only (in the event's context).
    return (
        "anonymous visitor (verification page)"
        if source == "page"
        else f"manage.py verify_response ({source})"
    )


def document_verify(pdf_bytes: bytes, *, by=None, source: str = "upload") -> Verification:
    """Check a PDF against the ITG's signature and its register of issued documents; audit the check.

    Nothing about the file is kept but its SHA-256 and the verdict in the audit trail: a verification
    upload may be an AG's privileged copy, and we have no reason to hold it.
    """
    result = verify_pdf(pdf_bytes, trust_roots())
    issued = registered(hashlib.sha256(pdf_bytes).hexdigest())
    original = None if issued else _original_of(pdf_bytes, result)
    reasons = _reasons(result, issued)
    if original is not None:
        reasons.append(
            f"The signed part is identical to a {original.get_kind_display().lower()} the ITG issued on "
            f"{original.signed_at:%Y-%m-%d}: ask for the original file."
        )
    verdict = Verification(result, issued, reasons, original)
    record(
        action=Action.DOCUMENT_VERIFIED,
        by=by,
        obj=issued if issued and issued.pk else None,
        object_type="responses.issueddocument" if not issued or issued.pk else f"register.{issued.kind}",
        object_id=str(issued.pk) if issued and issued.pk else "",
        label=str(issued) if issued else "unknown document",
        outcome=Outcome.SUCCESS if verdict.is_itg_original else Outcome.FAILED,
        reason="; ".join(verdict.reasons)[:500],
        changes={"sha256": verdict.sha256, "source": source, "size": len(pdf_bytes)},
        actor_email="" if by else _anonymous_actor(source),
    )
    return verdict
