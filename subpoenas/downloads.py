"""The demand's downloads, one helper per kind of file, used by the page and the API alike: the same
headers (never stored by a browser or proxy, a sandbox CSP, nosniff) and the same audit row."""

from __future__ import annotations

from django.http import HttpResponse

from itg.accounts.models import User
from itg.audit.actions import Action
from itg.audit.services import record
from itg.uploads import SANDBOX_CSP, file_response, no_store
from subpoenas import receipts
from subpoenas.models import DemandDocument, LegalDemand


def document_download(*, by: User, doc: DemandDocument, inline: bool = False) -> HttpResponse:
    """One of the demand's files, streamed through the scan check; inline only for a safe, unflagged type."""
    inline = inline and doc.viewable_inline
    record(action=Action.DOCUMENT_DOWNLOADED, by=by, obj=doc, object_state=doc.demand.state,
           changes={"sha256": [None, doc.sha256], "inline": [None, inline]})  # fmt: skip
    return file_response(doc.storage_key, filename=doc.original_name, content_type=doc.content_type,
                         inline=inline, flags=doc.pdf_flags)  # fmt: skip


def receipt_download(*, by: User, demand: LegalDemand) -> HttpResponse:
    """The signed receipt PDF, as an attachment."""
    record(action=Action.DEMAND_RECEIPT_DOWNLOADED, by=by, obj=demand)
    response = HttpResponse(receipts.receipt_pdf(demand), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{demand.tracking_number}.pdf"'
    response["Content-Security-Policy"] = SANDBOX_CSP
    return no_store(response)
