"""Which campaigns a rule fires on in a period: pure functions over the traceback selectors' data.

Periods are aligned to the rule's window from a fixed Monday (2024-01-01), so a 7-day rule looks at
Monday-to-Sunday weeks: re-running a rule during the same week finds the same period, and the alert for
that campaign and period (one, by a unique constraint) is updated rather than drafted again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from subpoenas.alerts.models import AlertRule
from tracebacks import alerting

EPOCH = dt.date(2024, 1, 1)  # a Monday
K = AlertRule.Kind


@dataclass(frozen=True)
class Firing:
    campaign_id: int
    campaign_name: str
    reason: str
    provider_id: int | None = (
        None  # finding rules: the provider that crossed (one alert per provider and period)
    )


def period_of(day: dt.date, window_days: int) -> tuple[dt.date, dt.date]:
    """The aligned period containing `day`: (first day, last day), inclusive."""
    index = (day - EPOCH).days // window_days
    start = EPOCH + dt.timedelta(days=index * window_days)
    return start, start + dt.timedelta(days=window_days - 1)


def bounds(period: tuple[dt.date, dt.date]) -> tuple[dt.datetime, dt.datetime]:
    """The period as UTC instants [start, end): calls are stored in UTC."""
    start = dt.datetime.combine(period[0], dt.time(), tzinfo=dt.UTC)
    return start, dt.datetime.combine(period[1] + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def _kind_ok(rule: AlertRule, kind: str) -> bool:
    return not rule.campaign_kinds or kind in rule.campaign_kinds


def max_in_window(times: list[dt.datetime], hours: int) -> int:
    """The most calls within any `hours`-long stretch (two pointers over sorted times)."""
    best, left, span = 0, 0, dt.timedelta(hours=hours)
    for right, at in enumerate(times):
        while at - times[left] > span:
            left += 1
        best = max(best, right - left + 1)
    return best


def evaluate(rule: AlertRule, period: tuple[dt.date, dt.date]) -> list[Firing]:
    """The campaigns this rule fires on in the period, each with the reason in words."""
    if rule.kind == K.FINDING:
        return _finding(rule, period)
    start, end = bounds(period)
    summaries = [s for s in alerting.campaign_activity_summaries(start, end) if _kind_ok(rule, s.kind)]
    summaries = [s for s in summaries if s.total >= rule.min_volume]
    if rule.kind == K.VOLUME:
        return [Firing(s.campaign_id, s.name, f"{s.total} calls in the period (rule: {rule.threshold} or more)")
                for s in summaries if s.total >= rule.threshold]  # fmt: skip
    if rule.kind == K.STATES:
        return [Firing(s.campaign_id, s.name, f"{len(s.states)} states reached (rule: {rule.threshold} or more)")
                for s in summaries if len(s.states) >= rule.threshold]  # fmt: skip
    if rule.kind == K.GROWTH:
        return _growth(rule, summaries, start)
    if rule.kind == K.STORM:
        times = alerting.campaign_call_times([s.campaign_id for s in summaries], start, end)
        out = []
        for s in summaries:
            peak = max_in_window(times.get(s.campaign_id, []), rule.storm_hours)
            if peak >= rule.threshold:
                out.append(
                    Firing(s.campaign_id, s.name, f"storm: {peak} calls within {rule.storm_hours} hours")
                )
        return out
    names = {s.campaign_id: s for s in summaries}
    if rule.kind == K.ORIGIN:
        counts = alerting.campaigns_traced_to_origin(start, end)
        return [Firing(c, names[c].name, f"{n} traceback{'s' if n > 1 else ''} completed to the originating provider")
                for c, n in sorted(counts.items()) if c in names and n >= max(1, rule.threshold)]  # fmt: skip
    if rule.kind == K.FOREIGN_GATEWAY:
        found = alerting.campaigns_with_new_foreign_gateway(start, end)
        return [Firing(c, names[c].name, "new gateway for foreign traffic: " + ", ".join(g))
                for c, g in sorted(found.items()) if c in names]  # fmt: skip
    raise ValueError(f"Unknown rule kind {rule.kind!r}")


def _growth(rule: AlertRule, summaries, start: dt.datetime) -> list[Firing]:
    previous_start = start - dt.timedelta(days=rule.window_days)
    before = {s.campaign_id: s.total for s in alerting.campaign_activity_summaries(previous_start, start)}
    out = []
    for s in summaries:
        prior = before.get(s.campaign_id, 0)
        growth = (s.total - prior) * 100 // prior if prior else None
        if prior and growth >= rule.threshold:
            out.append(
                Firing(
                    s.campaign_id,
                    s.name,
                    f"{s.total} calls against {prior} in the previous period (+{growth}%)",
                )
            )
        elif not prior and s.total >= max(rule.min_volume, 1) and rule.min_volume:
            out.append(Firing(s.campaign_id, s.name, f"{s.total} calls, none in the previous period"))
    return out


CRITERION_WORDS = {"a": "(a) does not take part in tracebacks", "b": "(b) originates or accepts illegal robocalls",
                   "c": "(c) US point of entry for robocalls from abroad", "d": "(d) cannot produce records"}  # fmt: skip


def _finding(rule: AlertRule, period: tuple[dt.date, dt.date]) -> list[Firing]:
    """Providers that crossed a finding threshold in the period (at least `threshold` criteria newly met),
    each alerted on the campaign most of its new supporting tracebacks carry."""
    return [
        Firing(c.campaign_id, c.campaign, f"{c.provider} crossed the finding threshold: "
               f"{'; '.join(CRITERION_WORDS[x] for x in c.criteria)} ({c.tracebacks} traceback"
               f"{'s' if c.tracebacks != 1 else ''} of this campaign in the period)", provider_id=c.provider_id)
        for c in alerting.providers_crossing_findings(*period)
        if len(c.criteria) >= max(1, rule.threshold) and _kind_ok(rule, c.campaign_kind)
    ]  # fmt: skip
