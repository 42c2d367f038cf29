"""Deadline reminders to the ITG owner (5, 2 and 1 business days before) and escalation when overdue.

Each (demand, threshold, due date) is sent once: the `ReminderSent` row is inserted first under a unique
constraint, and only the inserting run sends. A due date moved by an extension or a pause is a new due
date, so its reminders run again. A paused clock sends nothing: the ITG is waiting on the requester.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from itg.accounts.models import Role, User
from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import business_days_until, fmt_date, tz_for
from itg.notifications.services import notify
from subpoenas.models import OPEN_STATUSES, LegalDemand, ReminderSent

THRESHOLDS = (5, 2, 1)
LOOKAHEAD_DAYS = 14  # five business days plus the longest run of weekends and holidays


def threshold_for(days_left: int) -> int | None:
    """The tightest threshold reached: 3 days left → the 5-day reminder; 0 (due today) → the 1-day one."""
    reached = [t for t in THRESHOLDS if days_left <= t]
    return min(reached) if reached else None


def reminder_candidates(now: datetime):
    return (
        LegalDemand.objects.filter(
            status__in=OPEN_STATUSES,
            paused_since__isnull=True,
            due_at__lt=now + timedelta(days=LOOKAHEAD_DAYS),
        )
        .select_related("case__owner")
        .order_by("due_at")
    )


def send_deadline_reminders(now: datetime | None = None) -> int:
    """Send what is due now; safe to run any number of times (beat runs it hourly)."""
    now = now or timezone.now()
    sent = 0
    for demand in reminder_candidates(now):
        if demand.due_at < now:
            sent += _send_once(demand, ReminderSent.OVERDUE, _escalate)
            continue
        today = now.astimezone(tz_for(demand.state)).date()
        threshold = threshold_for(business_days_until(today, demand.due_date, demand.state))
        if threshold is not None:
            sent += _send_once(demand, threshold, _remind)
    return sent


def _send_once(demand: LegalDemand, threshold: int, send) -> int:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(demand=demand, threshold=threshold, due_date=demand.due_date)
            send(demand, threshold)
    except IntegrityError:
        return 0  # already sent for this threshold and due date
    return 1


def _link(demand: LegalDemand) -> str:
    return demand.get_absolute_url()


def _remind(demand: LegalDemand, threshold: int) -> None:
    owner = demand.case.owner
    people = [owner] if owner else list(User.objects.filter(role=Role.ITG_ADMIN, is_active=True))
    title = f"{demand.tracking_number} is due in {threshold} business day{'s' if threshold != 1 else ''}"
    if not owner:
        title += " (no owner assigned)"
    body = f"{demand.notice_caption}\nDue {fmt_date(demand.due_date)}: {demand.due_explanation}"
    notify(
        users=people,
        title=title,
        body=body,
        url=_link(demand),
        key=f"reminder:{demand.pk}:{threshold}:{demand.due_date}",
    )
    record(action=Action.DEMAND_REMINDER_SENT, obj=demand, actor_email="system",
           changes={"threshold": [None, threshold], "to": [None, [p.email for p in people]]})  # fmt: skip


def _escalate(demand: LegalDemand, _threshold: int) -> None:
    admins = list(User.objects.filter(role=Role.ITG_ADMIN, is_active=True))
    people = admins + ([demand.case.owner] if demand.case.owner and demand.case.owner not in admins else [])
    title = f"OVERDUE: {demand.tracking_number} was due {fmt_date(demand.due_date)}"
    notify(
        users=people,
        title=title,
        body=demand.notice_caption,
        url=_link(demand),
        key=f"overdue:{demand.pk}:{demand.due_date}",
    )
    record(action=Action.DEMAND_ESCALATED, obj=demand, actor_email="system",
           changes={"to": [None, [p.email for p in people]]})  # fmt: skip
