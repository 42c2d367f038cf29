"""Reads of cases, always scoped through `cases.access`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cases.access import cases_visible_to
from cases.models import Case


def case_list_for(user, *, q: str = "", state: str = "") -> QuerySet[Case]:
    cases = cases_visible_to(user).select_related("owner")
    if q:
        cases = cases.filter(Q(title__icontains=q) | Q(reference__icontains=q))
    if state:
        cases = cases.filter(lead_state=state)
    return cases


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
