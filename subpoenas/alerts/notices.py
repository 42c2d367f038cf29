"""Telling offices about alerts: in the portal and by e-mail, at once or in the weekly digest.

Only users of a receiving office are told, and the link leads to the alert page, which checks the same
rule again (`subpoenas.alerts.selectors.alert_for`).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from itg.accounts.models import User
from itg.notifications.services import notify
from subpoenas.alerts.models import AlertRecipient


def notify_copies(copy_ids: list[int]) -> None:
    """One notice per copy to every active user of its office (a copy already told is skipped: `key`)."""
    copies = AlertRecipient.objects.filter(pk__in=copy_ids, digest=False).select_related(
        "alert__campaign", "office"
    )
    for copy in copies:
        alert = copy.alert
        users = list(User.objects.filter(office=copy.office, is_active=True))
        title = f"ITG alert {alert.reference}: {alert.campaign.name}"
        body = (
            f"{alert.title}\n{copy.volume_in_state} call(s) into {copy.office.state} between "
            f"{alert.period_start:%d %b %Y} and {alert.period_end:%d %b %Y}. The signed packet is on the portal."
        )
        notify(users=users, title=title, body=body, url=reverse("alerts:detail", args=[alert.pk]),
               key=f"alert:{alert.pk}")  # fmt: skip
    AlertRecipient.objects.filter(pk__in=[c.pk for c in copies], notified_at=None).update(
        notified_at=timezone.now()
    )
