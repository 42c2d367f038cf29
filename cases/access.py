"""Which matters a user may see: the one place that answers it.

* ITG staff (compliance staff and administrators) see every case.
* AG staff and supervisors see the cases whose lead state is their office's state (a plain foreign-key
  filter: fast, nothing to keep in step) and the cases explicitly shared with their office (a
  django-guardian object permission granted to the office's group).
* Auditors see no matters, only the audit trail.

Every list, search, export and notification that touches case-owned objects is scoped with
`cases_visible_to`; single objects are fetched with `case_for`, which answers 404 both for a case that
does not exist and for one the user may not see (ids reveal nothing), and records the attempt.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from cases.models import Case, CaseGroupObjectPermission
from itg.audit.actions import Action, Outcome
from itg.audit.services import record

VIEW_PERMISSION = "cases.view_case"
VIEW_CODENAME = "view_case"


def cases_visible_to(user) -> QuerySet[Case]:
    cases = Case.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return cases.none()
    if user.is_itg_staff:
        return cases
    if not user.is_ag_staff:
        return cases.none()
    shared = CaseGroupObjectPermission.objects.filter(
        group_id=user.office.group_id, permission__codename=VIEW_CODENAME
    ).values("content_object_id")
    return cases.filter(Q(lead_state=user.office.state) | Q(pk__in=shared))


def can_see_case(user, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def case_for(user, pk, *, audit: bool = True) -> Case:
    """The case, if the user may see it; otherwise 404, with the denied attempt recorded."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such case.") from None
    case = cases_visible_to(user).select_related("owner", "created_by").filter(pk=pk).first()
    if case is None:
        # The audit row names the case's state (the user still learns nothing): the lead state's
        # supervisor sees, in their access history, who tried to open their matter.
        lead_state = Case.objects.filter(pk=pk).values_list("lead_state", flat=True).first()
        record(
            action=Action.CASE_VIEW_DENIED,
            by=user,
            outcome=Outcome.DENIED,
            object_type="cases.case",
            object_id=str(pk),
            object_state=lead_state or "",
            reason="not visible to this user" if lead_state else "no such case",
        )
        raise Http404("No such case.")
    if audit:
        record(action=Action.CASE_VIEWED, by=user, obj=case)
    return case


def routed_to_office(user, queryset: QuerySet, office_field: str) -> QuerySet:
    """Objects the ITG sends to offices (alerts): the same rule as for matters, applied to a routing.

    ITG staff see every one; AG staff and supervisors those routed to (or shared with) their own office,
    named by `office_field` (a path to an `Office`); auditors and anyone else none.
    """
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if user.is_itg_staff:
        return queryset
    if not user.is_ag_staff:
        return queryset.none()
    return queryset.filter(**{office_field: user.office_id})


def record_denied(user, action: str, object_type: str, pk) -> Http404:
    """Record a refused look at an object the user may not see (or that does not exist); the 404 to raise."""
    record(
        action=action, by=user, outcome=Outcome.DENIED, object_type=object_type, object_id=str(pk)[:64],
        reason="not found or not visible to this user",
    )  # fmt: skip
    return Http404("Not found.")
