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


# The intake task signs the receipt a few seconds after the demand is received (render and sign take about a
# second; the queue may hold it a little longer).
RECEIPT_RETRY_AFTER_SECONDS = 5


def receipt_download(*, by: User, demand: LegalDemand) -> HttpResponse:
    """The signed receipt PDF, as an attachment: the bytes the intake task signed, read, never signed here.

    Until the task has signed it, the answer is 409 with Retry-After, a plain-text message, and nothing is
    written (no audit row: nothing was downloaded). 409 and not 503, as the portal answers a file waiting
    for its malware scan (`itg.uploads.file_unavailable`) and an Idempotency-Key whose first request is still
    running: the portal is up and the resource is in a state that will change shortly by itself. 503 here
    means an outage (the database restarting, the object store down) and clients and bench/faults.py count
    it as one."""
    pdf = receipts.receipt_signed(demand)
    if pdf is None:
        text = (f"The receipt of {demand.tracking_number} is being signed; retry in a moment. It is signed once, "
                "just after the demand is received, and then downloadable here.")  # fmt: skip
        response = HttpResponse(text, status=409, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RECEIPT_RETRY_AFTER_SECONDS)
        return no_store(response)
    record(action=Action.DEMAND_RECEIPT_DOWNLOADED, by=by, obj=demand)
    response = HttpResponse(pdf, content_type="application/pdf")
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
