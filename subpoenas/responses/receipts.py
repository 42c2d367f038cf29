"""Receipts of demands, signed and registered like responses.

The receipt is the issuing office's proof of what it served and when. It is signed once, by the intake task
(`subpoenas.receipts.receipt_send`, queued when the demand is received), and downloads only read the signed
bytes, so its SHA-256 never changes, it verifies on the verification page like a response, and a GET
creates no rows.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from itg.audit.actions import Action
from itg.audit.services import record
from subpoenas.models import LegalDemand
from subpoenas.responses.issuing import discard_stored, issued_document_create, pdf_sign_and_store
from subpoenas.responses.models import IssuedDocument


def _stored(document: IssuedDocument) -> bytes:
    with default_storage.open(document.storage_key, "rb") as f:
        return f.read()


def receipt_signed_bytes(demand: LegalDemand) -> bytes | None:
    """The demand's signed receipt as registered, or None while the intake task has not signed it yet."""
    existing = IssuedDocument.objects.filter(demand=demand, kind=IssuedDocument.Kind.RECEIPT).first()
    return None if existing is None else _stored(existing)


def demands_without_receipt() -> QuerySet[LegalDemand]:
    return LegalDemand.objects.exclude(issued_documents__kind=IssuedDocument.Kind.RECEIPT).order_by("pk")


def receipt_signed_pdf(demand: LegalDemand, render: Callable[[], bytes]) -> bytes:
    """Sign the demand's receipt (rendered with `render`) and register it, once: signed already, the
    registered bytes are returned, so a task delivered twice signs one receipt."""
    existing = receipt_signed_bytes(demand)
    if existing is not None:
        return existing
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
        # Signed at the same moment by another run of the task (a duplicate delivery): keep theirs.
        discard_stored(signed)
        return _stored(IssuedDocument.objects.get(demand=demand, kind=IssuedDocument.Kind.RECEIPT))
    except BaseException:
        discard_stored(signed)  # nothing registered: no orphan file either
        raise
    return signed.pdf
