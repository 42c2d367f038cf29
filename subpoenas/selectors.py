"""Reads of legal demands, always scoped through `cases.access` (a demand belongs to a case)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.access import cases_visible_to, object_for, sees_every_case
from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import tz_for
from itg.params import parse_id
from subpoenas.extraction import find_phone_numbers
from subpoenas.models import OPEN_STATUSES, DemandDocument, IntakeDraft, LegalDemand


def reading_registry():
    """The providers (RMD numbers, FRNs, names) and campaign names a demand's requests are matched against."""
    from providers.models import Provider
    from subpoenas.extraction import Registry
    from tracebacks.models import Campaign

    providers = [
        {"id": pk, "name": name, "rmd": rmd or "", "frn": frn or ""}
        for pk, name, rmd, frn in Provider.objects.values_list("pk", "business_name", "rmd_number", "frn")
    ]
    return Registry(providers=providers, campaigns=list(Campaign.objects.values_list("name", flat=True)))


def demands_visible_to(user) -> QuerySet[LegalDemand]:
    """The demands of the cases the user may see: every one for ITG staff, their state's and shared ones for AG staff."""
    if sees_every_case(user):  # no subquery the planner would have to prove away
        return LegalDemand.objects.all()
    # Materialize the visible case ids (one indexed query). As a subquery, PostgreSQL misjudges the OR of
    # the own-state filter and the shares (it guesses half of all cases) and scans every demand; a literal
    # id list gives it the true size, so it walks the case_id index (bench/queue.py: 190 ms -> see README).
    return LegalDemand.objects.filter(case_id__in=list(cases_visible_to(user).values_list("pk", flat=True)))


def matter_of(model, demand_path: str) -> Callable[[int], tuple[str, str] | None]:
    """For `object_for`: the (state, label) of a demand-owned object as it really is, unscoped, read through
    `demand_path` (the lookup from the model to its demand, "" for the demand itself). The label starts
    with the demand's tracking number, so the lead state's supervisor knows the matter."""

    def read(pk: int) -> tuple[str, str] | None:
        row = model.objects.filter(pk=pk).values_list(f"{demand_path}state", f"{demand_path}tracking_number")
        row = row.first()
        if row is None:
            return None
        return row[0], row[1] if model is LegalDemand else f"{row[1]} {model._meta.verbose_name} {pk}"

    return read


def demand_for(user, pk, *, audit: bool = True) -> LegalDemand:
    """The demand, if the user may see it; otherwise 404 (ids reveal nothing), the attempt recorded."""
    visible = demands_visible_to(user).select_related("case", "case__owner", "issuing_office", "submitted_by")
    demand = object_for(user, visible, pk, denied=Action.DEMAND_VIEW_DENIED, noun="demand",
                        matter_of=matter_of(LegalDemand, ""))  # fmt: skip
    if audit:
        record(action=Action.DEMAND_VIEWED, by=user, obj=demand)
    return demand


def document_for(user, demand_pk, doc_pk) -> DemandDocument:
    """A demand's document, only through a demand the user may see; 404 and recorded otherwise."""
    visible = DemandDocument.objects.filter(
        demand__in=demands_visible_to(user), demand_id=parse_id(demand_pk)
    )
    return object_for(user, visible.select_related("demand"), doc_pk, denied=Action.DOCUMENT_DOWNLOAD_DENIED,
                      noun="document", matter_of=matter_of(DemandDocument, "demand__"))  # fmt: skip


def draft_for(user, pk) -> IntakeDraft:
    draft = IntakeDraft.objects.filter(pk=pk, user=user).prefetch_related("files").first()
    if draft is None:
        raise Http404("No such upload (it may have expired: upload the files again).")
    return draft


def search_q(text: str) -> Q:
    """Tracking number, caption, phone number (any format) or provider name/FRN/RMD number."""
    text = text.strip()
    q = Q(tracking_number=text.upper()) | Q(search_text__contains=text.lower())  # both indexed
    for e164 in find_phone_numbers(text):
        q |= Q(search_text__contains=e164)
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 7:
        q |= Q(search_text__contains=digits[-10:])
    return q


def status_counts(user, visible: QuerySet[LegalDemand] | None = None, *, state: str = "") -> dict:
    """Counts by status, due this week and overdue, over what the user may see (two queries).

    By status is a GROUP BY on the (status, due_at) index; the two deadline counts read only open demands
    due before a week from now, a range of that same index, never the years of closed demands.
    """
    demands = demands_visible_to(user) if visible is None else visible
    if state:
        demands = demands.filter(state=state.upper())
    now = timezone.now()
    by_status = dict(demands.order_by().values_list("status").annotate(n=Count("*")))  # index-only scan
    soon = demands.filter(status__in=OPEN_STATUSES, due_at__lt=now + timedelta(days=7)).aggregate(
        overdue=Count("pk", filter=Q(paused_since__isnull=True, due_at__lt=now)),
        week=Count("pk", filter=Q(due_at__gte=now)),
    )
    return {
        "by_status": [(value, label, by_status.get(value, 0)) for value, label in LegalDemand.Status.choices],
        "overdue": soon["overdue"],
        "due_week": soon["week"],
        "open": sum(by_status.get(s, 0) for s in OPEN_STATUSES),
        "total": sum(by_status.values()),
    }


def likely_duplicates(user, hashes: list[str], caption: str, issued: date, served: date) -> list[LegalDemand]:
    """Demands the user can see with the same demand document, or the same state, caption and dates."""
    same = (
        Q(documents__sha256__in=hashes, documents__role=DemandDocument.Role.DEMAND)
        if hashes
        else Q(pk__in=[])
    )
    if caption:
        same |= Q(state=user.state, caption__iexact=caption.strip(), date_issued=issued, date_served=served)
    return list(
        demands_visible_to(user).filter(same).exclude(status=LegalDemand.Status.WITHDRAWN).distinct()[:5]
    )


def duplicates_by_hash(user, hashes: list[str]) -> list[LegalDemand]:
    if not hashes:
        return []
    return list(
        demands_visible_to(user)
        .filter(documents__sha256__in=hashes, documents__role=DemandDocument.Role.DEMAND)
        .distinct()[:5]
    )


def open_demands_for_calendar(user) -> QuerySet[LegalDemand]:
    """What a user's calendar feed lists: open demands they may see, soonest first, a bounded number."""
    return demands_visible_to(user).filter(status__in=OPEN_STATUSES).order_by("due_at", "id")[:1000]


def local_received(demand: LegalDemand):
    return demand.received_at.astimezone(tz_for(demand.state))
