"""Telling the requesting office that its response is delivered (in the portal and by e-mail)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from itg.accounts.models import User
from itg.notifications.services import notify
from subpoenas.responses.models import Response


def notify_delivery(response_id: int) -> None:
    """Every active user of the issuing office, the person who submitted the demand, and the contact named
    on it: the office must learn at once that the response it compelled is available."""
    response = Response.objects.select_related(
        "demand__issuing_office", "demand__submitted_by", "document"
    ).get(pk=response_id)
    demand = response.demand
    office_users = User.objects.filter(office=demand.issuing_office, is_active=True)
    people = {u.pk: u for u in office_users} | {demand.submitted_by_id: demand.submitted_by}
    url = reverse("responses:demand", args=[demand.pk])
    kind = "corrected response" if response.version > 1 else "response"
    title = f"{demand.tracking_number}: the ITG's {kind} (version {response.version}) is delivered"
    body = f"{demand.caption}\nBates {response.document.bates_range}. Download it from the portal."
    if response.reason:
        body += f"\nReason for the correction: {response.reason}"
    notify(users=list(people.values()), title=title, body=body, url=url)
    emails = {u.email for u in people.values()}
    if demand.contact_email and demand.contact_email not in emails:
        send_mail(title, f"{body}\n\n{settings.SITE_URL}{url}\n", None, [demand.contact_email])
