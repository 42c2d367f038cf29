"""Sign a rendered PDF with the organization's certificate and keep it as an issued document.

Shared by responses and receipts: both are documents an AG may later present as what the ITG sent, so both
are signed the same way and registered by the SHA-256 of the signed bytes.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from itg.signing import SignerConfig, load_signer, signer_from_settings
from subpoenas.responses.models import IssuedDocument

SIGNING_LOCATION = "Washington, DC"


@dataclass(frozen=True)
class SignedFile:
    """Signed bytes, already stored under `storage_key`, with what the register needs to know of them."""

    pdf: bytes
    storage_key: str
    sha256: str
    signer_name: str
    is_development: bool


def signer_name(config: SignerConfig) -> str:
    """The signing certificate's common name, as every PDF reader will show it."""
    cert = load_signer(config.p12_path, config.passphrase).signing_cert
    return cert.subject.native.get("common_name", "") or "Industry Traceback Group"


def pdf_sign_and_store(pdf: bytes, *, reason: str, folder: str) -> SignedFile:
    """Sign (PAdES; B-T when a time-stamp authority is configured) and store under a fresh key.

    Runs outside any transaction: the caller registers the file in its own atomic block and deletes it
    with `discard_stored` if that block fails, so no orphan file survives a failure.
    """
    config = signer_from_settings()
    signed = config.sign(pdf, reason=reason, location=SIGNING_LOCATION)
    key = default_storage.save(f"issued/{folder}/{uuid.uuid4().hex}.pdf", ContentFile(signed))
    return SignedFile(
        pdf=signed,
        storage_key=key,
        sha256=hashlib.sha256(signed).hexdigest(),
        signer_name=signer_name(config),
        is_development=config.is_development,
    )


def discard_stored(signed: SignedFile | None) -> None:
    """Remove a stored file whose registration did not commit."""
    if signed is not None and default_storage.exists(signed.storage_key):
        default_storage.delete(signed.storage_key)


def issued_document_create(
    *, signed: SignedFile, kind: str, title: str, version: int = 1, **fields: object
) -> IssuedDocument:
    """Register signed bytes as issued; called inside the caller's transaction, which audits it and, if
    it fails, deletes the stored file with `discard_stored`."""
    return IssuedDocument.objects.create(
        kind=kind,
        title=title[:300],
        version=version,
        sha256=signed.sha256,
        size=len(signed.pdf),
        storage_key=signed.storage_key,
        signer_name=signed.signer_name[:200],
        is_development=signed.is_development,
        **fields,
    )


def open_issued(document: IssuedDocument):
    """The stored signed file, opened for streaming."""
    return default_storage.open(document.storage_key, "rb")
