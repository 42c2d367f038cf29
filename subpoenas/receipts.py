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


def receipt_pdf(demand: LegalDemand) -> bytes:
    """The receipt PDF, signed by the ITG like its responses (rendered and signed once, then reused)."""
    from subpoenas.responses.receipts import receipt_signed_pdf  # the responses feature sits on this app

    return receipt_signed_pdf(
        demand, lambda: render_pdf(render_to_string("subpoenas/receipt_pdf.html", receipt_context(demand)))
    )


def receipt_send(*, demand_id: int) -> None:
    """E-mail the receipt PDF to the submitter and the demand's contact person, once.

    The row is claimed first (compare-and-set on `receipt_sent_at`), so a task delivered twice sends one
    e-mail; a failed send releases the claim so the retry sends it.
    """
    from django.utils import timezone

    if not LegalDemand.objects.filter(pk=demand_id, receipt_sent_at__isnull=True).update(
        receipt_sent_at=timezone.now()
    ):
        return
    try:
        _send_receipt(LegalDemand.objects.select_related("submitted_by", "issuing_office").get(pk=demand_id))
    except Exception:
        LegalDemand.objects.filter(pk=demand_id).update(receipt_sent_at=None)
        raise


def _send_receipt(demand: LegalDemand) -> None:
    context = receipt_context(demand)
    body = render_to_string("subpoenas/receipt_email.txt", {**context, "site": settings.SITE_URL})
    to = sorted({demand.submitted_by.email, demand.contact_email} - {""})
    message = EmailMessage(f"Receipt {demand.tracking_number}: {demand.notice_caption[:120]}", body, None, to)
    if not demand.is_confidential:  # the receipt PDF prints the caption: confidential ones stay in the portal
        message.attach(f"receipt-{demand.tracking_number}.pdf", receipt_pdf(demand), "application/pdf")
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
