"""Reads of alerts, scoped through `cases.access` (routed to the user's office, or ITG staff)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from cases.access import object_for, routed_to_office
from itg.accounts.models import Office
from itg.audit.actions import Action
from subpoenas.alerts.models import Alert, AlertRecipient, AlertRule, Subscription


def alerts_visible_to(user) -> QuerySet[Alert]:
    """ITG staff: every alert, drafts included. AG staff: sent alerts routed to or shared with their
    office. Auditors and others: none (they read the audit trail)."""
    alerts = routed_to_office(user, Alert.objects.all(), "recipients__office")
    if not user.is_itg_staff:
        alerts = alerts.filter(status=Alert.Status.SENT)
    return alerts  # one copy per office and alert (a unique constraint): the join repeats no alert


def alert_list(user, *, status: str = "") -> list[tuple[Alert, AlertRecipient | None]]:
    """The alerts page and API list: each alert with the user's office's copy (None for ITG staff).

    Queries: alerts with campaign (1), and the copies, prefetched (1) — whatever the number of alerts.
    """
    alerts = alerts_visible_to(user).select_related("campaign").order_by("-created_at", "-pk")
    if status:
        alerts = alerts.filter(status=status)
    copies = AlertRecipient.objects.select_related("office").order_by("office__state")
    if not user.is_itg_staff:
        copies = copies.filter(office_id=user.office_id)
    alerts = list(alerts.prefetch_related(Prefetch("recipients", queryset=copies, to_attr="copies"))[:500])
    return [(a, None if user.is_itg_staff else (a.copies[0] if a.copies else None)) for a in alerts]


def _alert_matter(pk: int) -> tuple[str, str] | None:
    # An alert is routed to several states, so the denial names none; its label says which alert it was.
    return ("", f"Alert {pk}") if Alert.objects.filter(pk=pk).exists() else None


def alert_for(user, pk, *, denied: str = Action.ALERT_VIEW_DENIED) -> Alert:
    """The alert if the user may see it; otherwise 404 (ids reveal nothing) with the attempt recorded."""
    visible = alerts_visible_to(user).select_related("campaign", "document", "sent_by")
    return object_for(user, visible, pk, denied=denied, noun="alert", matter_of=_alert_matter,
                      object_type="alerts.alert")  # fmt: skip


def copy_for(user, alert: Alert) -> AlertRecipient | None:
    """The user's office's copy of an alert (None for ITG staff)."""
    if user.is_itg_staff:
        return None
    return (
        AlertRecipient.objects.select_related("office", "case")
        .filter(alert=alert, office_id=user.office_id)
        .first()
    )


def recipients_of(alert: Alert) -> list[AlertRecipient]:
    return list(
        alert.recipients.select_related("office", "acknowledged_by", "case").order_by("office__state")
    )


def rules() -> list[AlertRule]:
    return list(AlertRule.objects.select_related("updated_by").order_by("name"))


def subscription_of(office: Office) -> Subscription | None:
    return Subscription.objects.filter(office=office).first()
