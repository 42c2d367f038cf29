"""Reads of notice letters. Providers reach only the letters addressed to them; ITG staff pages are behind
the staff gate; AG users reach a letter only as cited in an alert routed to their office
(`letters_cited`, used by `subpoenas.alerts`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from providers.models import Provider
from tracebacks.ecosystem.models import NoticeLetter

LIST_FIELDS = ("pk", "kind", "reference", "provider_id", "about_id", "window_start", "window_end", "criteria",
               "subject", "sent_at", "status", "acknowledged_at", "acknowledged_name", "acknowledged_via",
               "sha256", "bates_first", "bates_last", "is_development", "to_email")  # fmt: skip


def letters_to(provider: Provider) -> QuerySet[NoticeLetter]:
    """The letters addressed to one provider, newest first."""
    return (
        NoticeLetter.objects.filter(provider=provider)
        .select_related("about")
        .only(*LIST_FIELDS, "about__business_name", "about__rmd_number")
    )


def letters_of(provider_id: int) -> QuerySet[NoticeLetter]:
    """Letters to a provider or about it (its page lists both), with both parties, newest first."""
    from django.db.models import Q

    return (
        NoticeLetter.objects.filter(Q(provider_id=provider_id) | Q(about_id=provider_id))
        .select_related("provider", "about")
        .defer("content", "body")
    )


def letter_for_provider(provider: Provider, pk: int, *, actor_email: str) -> NoticeLetter:
    """One letter addressed to this provider, or 404 (recorded): ids of other providers' letters reveal nothing."""
    letter = letters_to(provider).filter(pk=pk).first()
    if letter is None:
        record(action=Action.LETTER_DOWNLOAD_DENIED, outcome=Outcome.DENIED, actor_email=actor_email,
               object_type="ecosystem.noticeletter", object_id=str(pk)[:64],
               reason="not addressed to this provider" if NoticeLetter.objects.filter(pk=pk).exists() else "no such letter")  # fmt: skip
        raise Http404("No such letter for your company.")
    return letter


def letters_before(provider_ids: Iterable[int], before) -> dict[int, list[NoticeLetter]]:
    """Letters each provider received before an instant, oldest first (the notices an alert cites)."""
    found: dict[int, list[NoticeLetter]] = {}
    ids = provider_ids if isinstance(provider_ids, QuerySet) else list(provider_ids)  # a subquery stays one
    rows = NoticeLetter.objects.filter(provider_id__in=ids, sent_at__lt=before).only(
        "pk", "provider_id", "reference", "sent_at", "kind", "status", "acknowledged_at"
    )
    for letter in rows.order_by("sent_at", "pk"):
        found.setdefault(letter.provider_id, []).append(letter)
    return found


def letter_by_reference(reference: str) -> NoticeLetter | None:
    return NoticeLetter.objects.filter(reference=reference).first()


def letters_by_reference(references: Iterable[str]) -> dict[str, NoticeLetter]:
    """The letters of these references (one query), without their frozen text."""
    rows = NoticeLetter.objects.filter(reference__in=list(references)).defer("content", "body")
    return {x.reference: x for x in rows}
