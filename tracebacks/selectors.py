"""Reads of campaigns, tracebacks and hops. Tracebacks are ITG work: these are called only behind the ITG
staff gate (pages) or scoped to one provider's own hops (provider API and e-mailed link)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from providers.models import Provider
from providers.selectors import provider_search
from tracebacks.models import Campaign, Hop, Traceback


def traceback_rows() -> QuerySet[Traceback]:
    """Tracebacks as list rows, newest call first (filters: `tracebacks.filters.TracebackFilter`)."""
    return Traceback.objects.select_related("campaign", "originating_provider", "gateway_provider").order_by(
        "-call_at", "-pk"
    )


def traceback_for(pk: int) -> Traceback:
    return get_object_or_404(
        Traceback.objects.select_related(
            "campaign", "originating_provider", "gateway_provider", "created_by"
        ),
        pk=pk,
    )


def hops_of(traceback: Traceback) -> list[Hop]:
    return list(traceback.hops.select_related("provider", "upstream").order_by("sequence"))


def hop_for_provider(provider: Provider, pk: int, *, actor_email: str = "") -> Hop:
    """One hop asked of this provider, or 404: a provider never reaches another provider's hop.

    The 404 is recorded (`actor_email` names the provider's token): probing other hops' ids is what an
    attacker holding one provider's token would do."""
    hop = (
        Hop.objects.select_related("traceback__campaign", "provider").filter(pk=pk, provider=provider).first()
    )
    if hop is None:
        record(action=Action.HOP_VIEW_DENIED, outcome=Outcome.DENIED, actor_email=actor_email or str(provider),
               object_type="tracebacks.hop", object_id=str(pk)[:64],
               reason="not asked of this provider" if Hop.objects.filter(pk=pk).exists() else "no such hop")  # fmt: skip
        raise Http404("No such hop for your company.")
    return hop


def hops_asked_of(provider: Provider) -> QuerySet[Hop]:
    return (
        Hop.objects.filter(provider=provider)
        .select_related("traceback__campaign", "provider")
        .order_by("-asked_at", "-pk")
    )


@dataclass
class ProviderStats:
    total: int
    by_role: dict[str, int]
    by_answer: dict[str, int]
    late: int
    avg_response_hours: float | None

    @property
    def no_response(self) -> int:
        return self.by_answer.get(Hop.Answer.NO_RESPONSE, 0)


def provider_stats(provider: Provider) -> ProviderStats:
    """Counts by role and answer, late answers and the mean response time, in one grouped query that reads
    only the covering index `hop_provider_stats_idx`."""
    groups = (
        Hop.objects.filter(provider=provider)
        .values("role", "answer")
        # COUNT(*) and columns of the index only, so PostgreSQL never reads the table itself.
        .annotate(n=Count("*"), late=Count("is_late", filter=Q(is_late=True)), avg=Avg("response_seconds"))
        .order_by()
    )
    by_role: dict[str, int] = {}
    by_answer: dict[str, int] = {}
    late = total = 0
    weighted = answered = 0.0
    for g in groups:
        total += g["n"]
        late += g["late"]
        by_role[g["role"]] = by_role.get(g["role"], 0) + g["n"]
        by_answer[g["answer"]] = by_answer.get(g["answer"], 0) + g["n"]
        if g["avg"] is not None:
            weighted += g["avg"] * g["n"]
            answered += g["n"]
    avg = round(weighted / answered / 3600, 1) if answered else None
    return ProviderStats(total, by_role, by_answer, late, avg)


def hop_counts_for(provider_ids: list[int]) -> dict[int, dict]:
    """Hop and no-response counts for a page of providers, in one query."""
    rows = (
        Hop.objects.filter(provider_id__in=provider_ids)
        .values("provider_id")
        .annotate(n=Count("pk"), no_response=Count("pk", filter=Q(answer=Hop.Answer.NO_RESPONSE)))
        .order_by()
    )
    return {r["provider_id"]: r for r in rows}


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.annotate(
        n=Count("tracebacks"),
        open=Count("tracebacks", filter=Q(tracebacks__status=Traceback.Status.OPEN)),
    ).order_by("name")


def campaign_status_counts(campaign: Campaign) -> dict[str, int]:
    rows = campaign.tracebacks.values("status").annotate(n=Count("pk")).order_by()
    return {r["status"]: r["n"] for r in rows}


def resolve_provider(text: str, chosen_id: str = "", *, field: str = "upstream") -> Provider:
    """The provider named: the suggestion picked, or the one provider the words (name, FRN, RMD number) match."""
    if chosen_id:
        try:
            return Provider.objects.get(pk=int(chosen_id))
        except (ValueError, Provider.DoesNotExist):
            raise ValidationError({field: "Choose the provider again from the suggestions."}) from None
    text = text.strip()
    if not text:
        raise ValidationError({field: "Name the provider: business name, FRN or RMD number."})
    exact = provider_search(text).filter(Q(business_name__iexact=text) | Q(rmd_number__iexact=text))
    matches = list(exact[:2]) or list(provider_search(text).order_by("business_name")[:6])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError({field: f"No registered provider matches {text!r}. Give its RMD number or FRN; "
                               "if it is not in the Robocall Mitigation Database, say so in the notes and "
                               "contact the ITG, who will add it."})  # fmt: skip
    names = "; ".join(p.label for p in matches[:5])
    raise ValidationError({field: f"Several providers match {text!r}: {names}. Give the RMD number."})
