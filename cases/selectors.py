"""Reads of cases, always scoped through `cases.access`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cases.access import cases_visible_to
from cases.filters import case_rows
from cases.models import Case, CaseMessage, MessageAttachment


def case_list_for(user) -> QuerySet[Case]:
    """The cases the user may see, as list rows (filters: `cases.filters.CaseFilter`)."""
    return case_rows(cases_visible_to(user))


def case_counts_for(user) -> dict:
    visible = cases_visible_to(user)
    totals = visible.aggregate(
        total=Count("pk"),
        unassigned=Count("pk", filter=Q(owner__isnull=True)),
    )
    if user.is_ag_staff:
        totals["own_state"] = visible.filter(lead_state=user.state).count()
        totals["shared"] = totals["total"] - totals["own_state"]
    return totals


def case_messages_for(user, case: Case) -> QuerySet[CaseMessage]:
    """The thread of a case the caller already fetched through `case_for`; internal notes for ITG staff only."""
    messages = (
        CaseMessage.objects.filter(case=case).select_related("author__office").prefetch_related("attachments")
    )
    return messages if user.is_itg_staff else messages.filter(internal=False)


def message_attachment_for(user, case_pk, attachment_pk) -> MessageAttachment:
    """An attachment, only through a case the user may see and a message they may read; else 404."""
    from django.http import Http404

    from cases.access import cases_visible_to

    found = MessageAttachment.objects.filter(
        pk=attachment_pk, message__case_id=case_pk, message__case__in=cases_visible_to(user)
    )
    if not user.is_itg_staff:
        found = found.filter(message__internal=False)
    attachment = found.select_related("message__case").first()
    if attachment is None:
        raise Http404("No such attachment.")
    return attachment
