"""The legal exchange's downloads, one helper per kind of file, used by the pages and the API alike: the
same headers (never stored by a browser or proxy, a sandbox CSP, nosniff) and the same audit row."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Model
from django.http import Http404, HttpResponse

from itg.accounts.models import User
from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from itg.uploads import SANDBOX_CSP, file_response, no_store
from subpoenas import receipts
from subpoenas.models import DemandDocument, LegalDemand
from tracebacks.ecosystem.letters.selectors import letter_by_reference
from tracebacks.ecosystem.letters.services import letter_bytes


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


def cited_letter_download(
    *, by: User, reference: str, cited: Collection[str], via: Model, cited_by: str, object_state: str = ""
) -> HttpResponse:
    """A signed notice letter cited by an alert's packet or a delivered response (`via`, which the caller
    fetched through the access layer): the letter's signed bytes as an attachment, the download recorded on
    `via`. AG users reach letters only this way (issue 11, access): a reference `via` does not cite is a
    404, and the attempt recorded with the matter's state (`object_state`) and what was asked of it."""
    letter = letter_by_reference(reference) if reference in cited else None
    if letter is None:
        record(action=Action.LETTER_DOWNLOAD_DENIED, by=by, outcome=Outcome.DENIED, object_type="ecosystem.noticeletter",
               object_id=reference[:64], object_state=object_state, reason=f"not cited by {cited_by}")  # fmt: skip
        raise Http404("No such letter is cited here.")
    record(action=Action.LETTER_DOWNLOADED, by=by, obj=via, object_state=object_state,
           changes={"letter": letter.reference, "sha256": letter.sha256})  # fmt: skip
    response = HttpResponse(letter_bytes(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.reference}.pdf"'
    response["Content-Security-Policy"] = SANDBOX_CSP
    return no_store(response)
