"""Demo: three signed notice letters through the real service, dated by the demo world's clock (idempotent).

Two providers found non-cooperative over the year before, among those carrying the most of the demo's recent
traffic (so the alerts seeded after them cite them): the first receives a notice it acknowledged through its
link, and a second one that cites the first by date; the other a notice it has not acknowledged.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count

from itg.accounts.models import User
from providers.models import Provider
from tracebacks.ecosystem import findings as engine
from tracebacks.ecosystem import selectors
from tracebacks.ecosystem.findings import Window
from tracebacks.ecosystem.letters import services
from tracebacks.ecosystem.models import NoticeLetter

NOTICE = "notice"


def _window_before(at: datetime) -> Window:
    end = (at - timedelta(days=1)).date()
    return Window(engine.months_back(end, 12), end)


def _picked(reference: datetime, window: Window) -> list[Provider]:
    """The two US providers with a finding over `window` that carried the most tracebacks in the 4 weeks
    before the demo's today."""
    found = {
        f.provider_id for f in engine.findings(window, selectors.thresholds_of(selectors.finding_settings()))
    }
    recent = Window((reference - timedelta(days=28)).date(), reference.date())
    busy = (
        engine.window_hops(recent).filter(provider__in=found).exclude(provider__traceback_email="")
        .exclude(provider__is_foreign=True).values("provider_id")
        .annotate(n=Count("traceback_id", distinct=True)).order_by("-n", "provider_id")[:2]
    )  # fmt: skip
    providers = Provider.objects.in_bulk([r["provider_id"] for r in busy])
    return [providers[r["provider_id"]] for r in busy]


def seed_letters(reference: datetime) -> int:
    """About 2 s (three letters rendered and signed). Returns how many it made (0 when already seeded)."""
    if NoticeLetter.objects.exists():
        return 0
    ivy = User.objects.get(email="ivy@itg.example")
    first_at, other_at, again_at = (reference - timedelta(days=d) for d in (75, 50, 6))
    picked = _picked(reference, _window_before(first_at))
    if len(picked) < 2:
        return 0
    first, other = picked

    def send(provider: Provider, at: datetime) -> NoticeLetter:
        [letter] = services.letters_send(by=ivy, about=provider, window=_window_before(at), at=at,
                                         addressees=[services.Addressee(NOTICE, provider)])  # fmt: skip
        return letter

    acknowledged = send(first, first_at)
    services.letter_acknowledge(letter=acknowledged, provider=first, name="Dana Ruiz, Director of Compliance",
                                via=NoticeLetter.Via.LINK, actor_email=f"link:{acknowledged.to_email}",
                                at=first_at + timedelta(days=3, hours=2))  # fmt: skip
    send(other, other_at)
    send(first, again_at)  # cites the acknowledged one by date
    return NoticeLetter.objects.count()
