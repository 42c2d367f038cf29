"""Offices' subscriptions and the weekly digest of the alerts they chose to receive that way."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from itg.accounts.models import Office, User
from itg.audit.actions import Action
from itg.audit.services import record
from itg.notifications.services import notify
from subpoenas.alerts.models import AlertRecipient, Subscription
from subpoenas.alerts.services import check_kinds

logger = logging.getLogger(__name__)


def may_subscribe(by, office: Office) -> bool:
    """The office's own supervisors decide what it receives; ITG administrators may set it for them."""
    return by.is_itg_admin or (by.is_ag_supervisor and by.office_id == office.pk)


@transaction.atomic
def subscription_set(*, by, office: Office, campaign_kinds=(), min_volume: int = 0, delivery: str = "immediate",
                     task_force_kinds=()) -> Subscription:  # fmt: skip
    if not may_subscribe(by, office):
        raise PermissionDenied("Only a supervisor of this office can change what it receives.")
    if office.kind != Office.Kind.AG:
        raise ValidationError({"office": "Only attorney-general offices receive alerts."})
    if delivery not in Subscription.Delivery.values:
        raise ValidationError({"delivery": "Choose “at once” or “weekly digest”."})
    if min_volume < 0:
        raise ValidationError({"min_volume": "The minimum volume cannot be negative."})
    values = {"campaign_kinds": check_kinds(campaign_kinds, "campaign_kinds"), "min_volume": int(min_volume),
              "delivery": delivery, "task_force_kinds": check_kinds(task_force_kinds, "task_force_kinds")}  # fmt: skip
    sub = Subscription.objects.select_for_update().filter(office=office).first()
    changes = {
        k: [getattr(sub, k) if sub else None, v] for k, v in values.items() if not sub or getattr(sub, k) != v
    }
    sub = sub or Subscription(office=office, updated_by=by)
    for name, value in values.items():
        setattr(sub, name, value)
    sub.updated_by, sub.updated_at = by, timezone.now()
    sub.save()
    record(action=Action.ALERT_SUBSCRIPTION_CHANGED, by=by, obj=sub, changes=changes)
    return sub


@transaction.atomic
def digest_send(*, office: Office) -> int:
    """Tell the office's users, in one notice, of the alerts held for its weekly digest; 0 when none.

    An office with no active user cannot be told: refused with the reason, the alerts stay pending (and
    listed on its alerts page) until someone is invited, so nothing is lost and nothing sent twice.
    """
    pending = list(
        AlertRecipient.objects.select_for_update()
        .filter(office=office, digest=True, notified_at=None)
        .select_related("alert__campaign")
        .order_by("delivered_at", "pk")
    )
    if not pending:
        return 0
    users = list(User.objects.filter(office=office, is_active=True))
    if not users:
        raise ValidationError(f"{office.name} has no active users to receive its digest of {len(pending)} "
                              "alert(s): invite someone; the alerts stay pending until then.")  # fmt: skip
    lines = [f"- {c.alert.reference} {c.alert.campaign.name}: {c.volume_in_state} call(s) into {office.state}"
             for c in pending]  # fmt: skip
    week = timezone.now().date().isoformat()
    notify(users=users, title=f"ITG alerts: weekly digest ({len(pending)})", body="\n".join(lines),
           url=reverse("alerts:list"), key=f"alert-digest:{office.pk}:{week}")  # fmt: skip
    AlertRecipient.objects.filter(pk__in=[c.pk for c in pending]).update(notified_at=timezone.now())
    record(
        action=Action.ALERT_DIGEST_SENT,
        by=None,
        obj=office,
        changes={"alerts": [None, [c.alert.reference for c in pending]]},
    )
    return len(pending)


def digests_send_all() -> dict[str, int]:
    """The weekly beat: every office with pending digest copies; an office that cannot be told is logged."""
    offices = Office.objects.filter(alert_copies__digest=True, alert_copies__notified_at=None).distinct()
    sent: dict[str, int] = {}
    for office in offices:
        try:
            sent[office.state] = digest_send(office=office)
        except ValidationError as error:
            logger.warning("Alert digest not sent: %s", " ".join(error.messages))
    return sent
