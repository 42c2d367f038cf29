"""Telling the requesting office that its response is delivered (in the portal and by e-mail)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from cases.access import ag_users_who_see
from itg.notifications.services import notify
from subpoenas.responses.models import Response


def notify_delivery(response_id: int) -> None:
    """Every AG user who may see the demand (its state's office, the offices it is shared with: the access
    layer decides) and the contact named on it: the office must learn at once that the response it
    compelled is available. A sealed or confidential demand's caption stays out of the notice."""
    response = Response.objects.select_related(
        "demand__issuing_office", "demand__submitted_by", "document"
    ).get(pk=response_id)
    demand = response.demand
    people = {u.pk: u for u in ag_users_who_see(demand.case)}
    url = reverse("responses:demand", args=[demand.pk])
    kind = "corrected response" if response.version > 1 else "response"
    title = f"{demand.tracking_number}: the ITG's {kind} (version {response.version}) is delivered"
    body = f"{demand.notice_caption}\nBates {response.document.bates_range}. Download it from the portal."
    if response.reason:
        body += f"\nReason for the correction: {response.reason}"
    notify(users=list(people.values()), title=title, body=body, url=url)
    emails = {u.email for u in people.values()}
    if demand.contact_email and demand.contact_email not in emails:
        send_mail(title, f"{body}\n\n{settings.SITE_URL}{url}\n", None, [demand.contact_email])
