"""Which matters a user may see: the one place that answers it.

* ITG staff (compliance staff and administrators) see every case.
* AG staff and supervisors see the cases whose lead state is their office's state (a plain foreign-key
  filter: fast, nothing to keep in step) and the cases explicitly shared with their office (a
  django-guardian object permission granted to the office's group).
* Auditors see no matters, only the audit trail.

Seeing a matter is not acting on it. Only the office that issued a demand acts for the requester (answers a
clarification, withdraws, records a petition to compel, answers an extension request): `acts_for_office`.
An office a case is shared with reads it; it writes in the case's thread only when the lead office allowed
it for that share (a second object permission, `post_in_thread`, off by default: a task-force member may
read the lead state's matter without speaking for it to the ITG): `may_post_in_thread`.

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
POST_PERMISSION = "cases.post_in_thread"
POST_CODENAME = "post_in_thread"


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
        found = Case.objects.filter(pk=pk).values_list("lead_state", "title").first()
        record_denied(user, action=Action.CASE_VIEW_DENIED, object_type="cases.case", object_id=pk, matter=found,
                      noun="case")  # fmt: skip
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


def acts_for_office(user, office_id) -> bool:
    """True when the user is AG staff (or supervisor) of exactly that office: the issuing office's people.

    Every requester-side action on a demand is gated by this: a state the case is shared with sees the
    demand but never withdraws, disputes or answers for the office that issued it."""
    return bool(
        user and user.is_authenticated and user.is_active and user.is_ag_staff and office_id
        and user.office_id == office_id
    )  # fmt: skip


def is_lead_office(user, case: Case) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_ag_staff
                and user.state == case.lead_state)  # fmt: skip


def may_post_in_thread(user, case: Case) -> bool:
    """ITG staff and the lead office write in a case's thread; a shared office only if the lead allowed it."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_itg_staff or is_lead_office(user, case):
        return True
    if not user.is_ag_staff:
        return False
    return CaseGroupObjectPermission.objects.filter(
        group_id=user.office.group_id, permission__codename=POST_CODENAME, content_object=case
    ).exists()


def record_denied(
    user, *, action: str, object_type: str, object_id, matter: tuple[str, str] | None, noun: str = "object"
) -> None:
    """The one writer of a denied attempt on a matter or anything it owns (a demand, a document, a response).

    `matter` is the (state, label) of the object as it really is, read without the user's scope, or None
    when no such object exists. The user learns nothing (they get the same 404 either way); the row names
    the matter's state and label so the lead state's supervisor, whose access history is scoped by that
    state, sees who tried to open which of their matters (CJIS 5.4.1.1, AU-3)."""
    state, label = matter or ("", "")
    record(
        action=action, by=user, outcome=Outcome.DENIED, object_type=object_type, object_id=str(object_id)[:64],
        object_state=state, label=label, reason="not visible to this user" if matter else f"no such {noun}",
    )  # fmt: skip
