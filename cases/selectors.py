"""Reads of cases, always scoped through `cases.access`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cases.access import cases_visible_to, object_for
from cases.filters import case_rows
from cases.models import Case, CaseMessage, MessageAttachment
from itg.audit.actions import Action


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


def _attachment_matter(pk: int) -> tuple[str, str] | None:
    # Not the file's name: the denial is shown to the lead state's supervisor, and an internal note's
    # attachment is ITG staff's alone.
    row = MessageAttachment.objects.filter(pk=pk).values_list(
        "message__case__lead_state", "message__case__title"
    )
    row = row.first()
    return (row[0], f"{row[1]}: attachment {pk}") if row else None


def message_attachment_for(user, case_pk, attachment_pk) -> MessageAttachment:
    """An attachment, only through a case the user may see and a message they may read (internal notes'
    attachments are ITG staff's); else 404, the attempt recorded with the case's state and title."""
    visible = MessageAttachment.objects.filter(
        message__case_id=case_pk, message__case__in=cases_visible_to(user)
    )
    if not (user and user.is_authenticated and user.is_itg_staff):
        visible = visible.filter(message__internal=False)
    return object_for(user, visible.select_related("message__case"), attachment_pk, noun="attachment",
                      denied=Action.CASE_ATTACHMENT_DOWNLOAD_DENIED, matter_of=_attachment_matter)  # fmt: skip
