"""Who receives an alert: the AG offices of the states its calls reached, filtered by their
subscriptions, plus task-force offices that follow the campaign's kind, plus offices ITG staff added.

Pure over its inputs (the campaign's volume per state, the offices and their subscriptions), so the draft
page can show the routing before sending and the send freezes exactly what was shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from itg.accounts.models import Office
from subpoenas.alerts.models import AlertRecipient, Subscription

R = AlertRecipient.Reason


@dataclass(frozen=True)
class Route:
    office: Office
    reason: str
    volume: int
    digest: bool


@dataclass(frozen=True)
class Routing:
    routes: list[Route]
    skipped: list[str]  # offices of affected states left out, and why (shown on the draft)


def _digest(sub: Subscription | None) -> bool:
    return bool(sub and sub.delivery == Subscription.Delivery.WEEKLY)


def routing_for(*, kind: str, by_state: dict[str, int], extra_offices: list[Office]) -> Routing:
    """Two queries: the AG offices with their subscriptions, and the task-force subscriptions."""
    affected = [s for s, n in by_state.items() if n]
    offices = Office.objects.filter(kind=Office.Kind.AG, state__in=affected).select_related(
        "alert_subscription"
    )
    routes: dict[int, Route] = {}
    skipped: list[str] = []
    for office in sorted(offices, key=lambda o: o.state):
        sub = getattr(office, "alert_subscription", None)
        volume = by_state.get(office.state, 0)
        if sub and sub.campaign_kinds and kind not in sub.campaign_kinds:
            skipped.append(f"{office.name}: its subscription does not include this campaign kind")
        elif sub and volume < sub.min_volume:
            skipped.append(f"{office.name}: {volume} calls, below its minimum of {sub.min_volume}")
        else:
            routes[office.pk] = Route(office, R.AFFECTED, volume, _digest(sub))
    followers = Subscription.objects.filter(office__kind=Office.Kind.AG).exclude(task_force_kinds=[])
    for sub in followers.select_related("office"):
        if kind in sub.task_force_kinds and sub.office_id not in routes:
            routes[sub.office_id] = Route(
                sub.office, R.SUBSCRIBED, by_state.get(sub.office.state, 0), _digest(sub)
            )
    for office in extra_offices:
        if office.pk not in routes:
            routes[office.pk] = Route(office, R.SHARED, by_state.get(office.state, 0), False)
    return Routing(sorted(routes.values(), key=lambda r: r.office.state), skipped)
