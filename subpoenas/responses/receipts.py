"""Receipts of demands, signed and registered like responses.

The receipt is the issuing office's proof of what it served and when; signed once, on first use, and
the same signed bytes returned afterwards, so its SHA-256 never changes and it verifies on the
verification page like a response.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from itg.audit.actions import Action
from itg.audit.services import record
from subpoenas.models import LegalDemand
from subpoenas.responses.issuing import discard_stored, issued_document_create, pdf_sign_and_store
from subpoenas.responses.models import IssuedDocument


def _stored(document: IssuedDocument) -> bytes:
    with default_storage.open(document.storage_key, "rb") as f:
        return f.read()


def receipt_signed_pdf(demand: LegalDemand, render: Callable[[], bytes]) -> bytes:
    """The demand's signed receipt: rendered with `render` and signed the first time, then reused."""
    existing = IssuedDocument.objects.filter(demand=demand, kind=IssuedDocument.Kind.RECEIPT).first()
    if existing is not None:
        return _stored(existing)
    signed = pdf_sign_and_store(
        render(),
        reason=f"Receipt of {demand.tracking_number} by the Industry Traceback Group",
        folder="receipts",
    )
    try:
        with transaction.atomic():
            document = issued_document_create(
                signed=signed, kind=IssuedDocument.Kind.RECEIPT, title=f"Receipt of {demand.tracking_number}",
                demand=demand,
            )  # fmt: skip
            record(
                action=Action.RECEIPT_SIGNED,
                obj=demand,
                actor_email="system",
                changes={"sha256": document.sha256},
            )
    except IntegrityError:
        # Signed at the same moment by another process (the e-mail task and a download): keep theirs.
        discard_stored(signed)
        return _stored(IssuedDocument.objects.get(demand=demand, kind=IssuedDocument.Kind.RECEIPT))
    except BaseException:
        discard_stored(signed)  # nothing registered: no orphan file either
        raise
    return signed.pdf
