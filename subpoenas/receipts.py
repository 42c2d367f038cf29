"""The receipt of a demand (page, PDF, e-mail) and the notices sent when a demand changes.

The receipt is the issuing office's proof of service on the ITG: the tracking number, each file with its
SHA-256 (so the office can prove which bytes it served), and the received time in UTC and in the issuing
state's local time.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from cases.access import ag_users_who_see
from itg.accounts.models import Role, User
from itg.notifications.services import notify
from itg.pdf import render_pdf
from subpoenas.models import LegalDemand
from subpoenas.selectors import local_received


def receipt_context(demand: LegalDemand) -> dict:
    """The receipt's facts. The two times are formatted here, not by the template's `date` filter: that
    filter converts to the *active* time zone (UTC in a Celery task, the reader's zone on a page), which
    printed the "local" time in UTC on the e-mailed receipt and could print a local time labelled UTC."""
    local = local_received(demand)
    return {
        "demand": demand,
        "documents": list(demand.documents.filter(role__in=["demand", "attachment"]).order_by("pk")),
        "requests": list(demand.requests.all()),
        "received_local": local,
        "received_local_text": f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()} ({local.tzinfo})",
        "received_utc_text": f"{demand.received_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC",
    }


def receipt_sign(demand: LegalDemand) -> bytes:
    """Sign the receipt PDF, once, and return its bytes (signed already: the registered bytes). Called by
    the intake task (`receipt_send`) and by nothing a GET reaches: downloads read `receipt_signed`."""
    from subpoenas.responses.receipts import receipt_signed_pdf  # the responses feature sits on this app

    return receipt_signed_pdf(
        demand, lambda: render_pdf(render_to_string("subpoenas/receipt_pdf.html", receipt_context(demand)))
    )


def receipt_signed(demand: LegalDemand) -> bytes | None:
    """The receipt as the intake task signed it, or None until it has."""
    from subpoenas.responses.receipts import receipt_signed_bytes

    return receipt_signed_bytes(demand)


def receipts_sign_missing(received_before=None) -> int:
    """Sign the receipt of every demand that has none: those received before receipts were signed by the
    intake task (they were signed on their first download, so one never downloaded has none), or whose task
    gave up. The download answers "being signed" until then. With `received_before`, only demands received
    before then (the sweep leaves a fresh demand to its own task). Returns how many were signed."""
    from subpoenas.responses.receipts import demands_without_receipt

    missing = demands_without_receipt().select_related("issuing_office")
    if received_before is not None:
        missing = missing.filter(received_at__lt=received_before)
    missing = list(missing)
    for demand in missing:
        receipt_sign(demand)
    return len(missing)


def receipt_send(*, demand_id: int) -> None:
    """The intake task: sign the receipt, then e-mail it to the submitter and the demand's contact person,
    once.

    The receipt is signed first and for every demand, confidential ones too (whose e-mail carries no PDF):
    the portal's download serves only what this signed. Signing is idempotent (one receipt per demand); the
    e-mail's row is claimed (compare-and-set on `receipt_sent_at`), so a task delivered twice sends one
    e-mail, and a failed send releases the claim so the retry sends it.
    """
    from django.utils import timezone

    demand = LegalDemand.objects.select_related("submitted_by", "issuing_office").get(pk=demand_id)
    pdf = receipt_sign(demand)
    if not LegalDemand.objects.filter(pk=demand_id, receipt_sent_at__isnull=True).update(
        receipt_sent_at=timezone.now()
    ):
        return
    try:
        _send_receipt(demand, pdf)
    except Exception:
        LegalDemand.objects.filter(pk=demand_id).update(receipt_sent_at=None)
        raise


def _send_receipt(demand: LegalDemand, pdf: bytes) -> None:
    context = receipt_context(demand)
    body = render_to_string("subpoenas/receipt_email.txt", {**context, "site": settings.SITE_URL})
    to = sorted({demand.submitted_by.email, demand.contact_email} - {""})
    message = EmailMessage(f"Receipt {demand.tracking_number}: {demand.notice_caption[:120]}", body, None, to)
    if not demand.is_confidential:  # the receipt PDF prints the caption: confidential ones stay in the portal
        message.attach(f"receipt-{demand.tracking_number}.pdf", pdf, "application/pdf")
    message.send()


def _requesters(demand: LegalDemand) -> list[User]:
    """The AG side of a demand: every AG user who may see it now (its state's office and the offices it is
    shared with), through the access layer. A user who moved to another office no longer sees it, so is no
    longer told."""
    return list(ag_users_who_see(demand.case))


def _itg_side(demand: LegalDemand) -> list[User]:
    if demand.case.owner_id:
        return [demand.case.owner]
    return list(User.objects.filter(role=Role.ITG_ADMIN, is_active=True))


def demand_change_notify(*, demand_id: int, action: str, by_id: int, key: str = "") -> None:
    """Tell the other side: the requester when the ITG acts, the ITG owner when the requester acts."""
    demand = LegalDemand.objects.select_related("case__owner", "submitted_by").get(pk=demand_id)
    by = User.objects.get(pk=by_id)
    people = _requesters(demand) if by.is_itg_staff else _itg_side(demand)
    label = action.replace("_", " ")
    title = f"{demand.tracking_number}: {label} ({demand.get_status_display()})"
    body = f"{demand.notice_caption}\nBy {by.full_name}. Due {demand.due_date:%-d %B %Y}.\n{demand.due_explanation}"
    notify(
        users=[p for p in people if p.pk != by.pk],
        title=title,
        body=body,
        url=demand.get_absolute_url(),
        key=key,
    )
