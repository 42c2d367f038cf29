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
`cases_visible_to`; single objects are fetched with `object_for` (`case_for` and every app's `<entity>_for`
are built on it), which answers 404 both for an object that does not exist and for one the user may not see
(ids reveal nothing), and records the denied attempt under the caller's action with the object's real state
and label.

The object permissions stored by django-guardian (the shares) are read here and nowhere else: the guardian
authentication backend is not installed, so `user.has_perm(perm, obj)` can never give a second answer that
disagrees with this module (tests/test_access.py proves it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from cases.models import Case, CaseGroupObjectPermission
from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from itg.params import visible_or_404

M = TypeVar("M", bound=Model)

VIEW_PERMISSION = "cases.view_case"
VIEW_CODENAME = "view_case"
POST_PERMISSION = "cases.post_in_thread"
POST_CODENAME = "post_in_thread"


def sees_every_case(user) -> bool:
    """ITG staff (active) see every matter: lists over them need no scope at all."""
    return bool(user and user.is_authenticated and user.is_active and user.is_itg_staff)


def cases_visible_to(user) -> QuerySet[Case]:
    cases = Case.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return cases.none()
    if sees_every_case(user):
        return cases
    if not user.is_ag_staff:
        return cases.none()
    shared = CaseGroupObjectPermission.objects.filter(
        group_id=user.office.group_id, permission__codename=VIEW_CODENAME
    ).values("content_object_id")
    return cases.filter(Q(lead_state=user.office.state) | Q(pk__in=shared))


def ag_users_who_see(case: Case) -> QuerySet:
    """The active AG users who may see the case: `cases_visible_to` turned around (its lead state's office,
    and the offices it is shared with). Notices of the case's demands and responses go to these users, so
    a user who moved to another office stops receiving them the moment the move is saved."""
    from itg.accounts.models import Role, User

    shared = CaseGroupObjectPermission.objects.filter(
        content_object_id=case.pk, permission__codename=VIEW_CODENAME
    ).values("group_id")
    return (
        User.objects.filter(is_active=True, role__in=[Role.AG_STAFF, Role.AG_SUPERVISOR])
        .filter(Q(office__state=case.lead_state) | Q(office__group_id__in=shared))
        .select_related("office")
        .order_by("pk")
    )


def can_see_case(user, case: Case) -> bool:
    return cases_visible_to(user).filter(pk=case.pk).exists()


def object_for(
    user,
    visible: QuerySet[M],
    pk,
    *,
    denied: str,
    noun: str,
    matter_of: Callable[[int], tuple[str, str] | None],
    object_type: str = "",
) -> M:
    """The one getter of a case-owned object (or one routed to an office): the object if `visible` (a
    queryset this module scoped) holds it; otherwise 404, and the denied attempt recorded under `denied`
    with the object's real state and label as `matter_of(pk)` reads them, unscoped (None: no such object)."""
    object_type = object_type or visible.model._meta.label_lower
    return visible_or_404(visible, pk, noun=noun, on_missing=lambda pk: record_denied(
        user, action=denied, object_type=object_type, object_id=pk, matter=matter_of(pk), noun=noun,
    ))  # fmt: skip


def _case_matter(pk: int) -> tuple[str, str] | None:
    return Case.objects.filter(pk=pk).values_list("lead_state", "title").first()


def case_for(user, pk, *, audit: bool = True) -> Case:
    """The case, if the user may see it; otherwise 404, with the denied attempt recorded."""
    visible = cases_visible_to(user).select_related("owner", "created_by")
    case = object_for(user, visible, pk, denied=Action.CASE_VIEW_DENIED, noun="case", matter_of=_case_matter)
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
