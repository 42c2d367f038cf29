"""The daily rollup: writes (refresh whole days from the raw calls) and the trend reads built on it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection, transaction
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from numpy.lib.stride_tricks import sliding_window_view

from tracebacks.calls.models import CallRecord
from tracebacks.detection.models import CampaignDay, CampaignStateDay, DailyRollup, SourceStateDay
from tracebacks.models import Campaign

UTC = dt.UTC
# Storm rule (shown on the pages): a campaign's day is a storm when its calls exceed both three times its
# median day over the previous 28 days (days without calls count as zero) and that median plus 20 calls, so
# that a campaign going from 1 to 4 calls a day is not a storm while one going from 200 to 900 is.
STORM_FACTOR = 3
STORM_MIN_EXTRA = 20
BASELINE_DAYS = 28
STORM_RULE = (
    f"a day with more than {STORM_FACTOR}× the campaign's median daily calls over the previous "
    f"{BASELINE_DAYS} days, and at least {STORM_MIN_EXTRA} calls above it"
)


@transaction.atomic
def rollup_refresh(days: Iterable[dt.date]) -> int:
    """Re-derive the rollup rows of whole days from the call records (idempotent; safe to run twice)."""
    days = sorted(set(days))
    if not days:
        return 0
    written = 0
    for lo in range(0, len(days), 31):
        chunk = days[lo : lo + 31]
        start = dt.datetime.combine(chunk[0], dt.time(), UTC)
        end = dt.datetime.combine(chunk[-1] + dt.timedelta(days=1), dt.time(), UTC)
        DailyRollup.objects.filter(day__in=chunk).delete()
        rows = (
            CallRecord.objects.filter(call_at__gte=start, call_at__lt=end)
            .annotate(d=TruncDate("call_at", tzinfo=UTC))
            .values("d", "campaign_id", "source", "called_state")
            .annotate(n=Count("id"))
        )
        wanted = set(chunk)
        objs = [
            DailyRollup(
                day=r["d"],
                campaign_id=r["campaign_id"],
                source=r["source"],
                state=r["called_state"] or "",
                calls=r["n"],
            )
            for r in rows
            if r["d"] in wanted
        ]
        DailyRollup.objects.bulk_create(objs, batch_size=5000)
        # The rollup summed over some of its dimensions: national campaign series, state pages' campaign
        # series, and the per-source and per-state tables.
        for model, fields in ((CampaignDay, ("day", "campaign_id")), (CampaignStateDay, ("day", "campaign_id", "state")),
                              (SourceStateDay, ("day", "source", "state"))):  # fmt: skip
            _rewrite_sums(model, fields, chunk, objs)
        written += len(objs)
    return written


def _rewrite_sums(model, fields: tuple[str, ...], chunk: list[dt.date], objs: list[DailyRollup]) -> None:
    totals: dict[tuple, int] = defaultdict(int)
    for o in objs:
        totals[tuple(getattr(o, f) for f in fields)] += o.calls
    model.objects.filter(day__in=chunk).delete()
    model.objects.bulk_create(
        [model(**dict(zip(fields, key, strict=True)), calls=n) for key, n in totals.items()], batch_size=5000
    )


def days_between(first: dt.datetime | None, last: dt.datetime | None) -> list[dt.date]:
    if not first or not last:
        return []
    a, b = first.astimezone(UTC).date(), last.astimezone(UTC).date()
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


# --- reads ---------------------------------------------------------------------------------------------------


def _scope(state: str = ""):
    """Rows to sum by campaign, one per campaign and day: one state's campaign-state-day totals, or for the
    nation the campaign-day totals."""
    return CampaignStateDay.objects.filter(state=state) if state else CampaignDay.objects.all()


def _places(state: str = ""):
    """Rows to sum by day, source or state: the source × state day totals (no campaign dimension)."""
    return SourceStateDay.objects.filter(state=state) if state else SourceStateDay.objects.all()


def daily(*, start: dt.date, end: dt.date, state: str = "") -> list[tuple[dt.date, int]]:
    """Calls per day (every day of the range, zeros included). One query."""
    got = dict(
        _places(state)
        .filter(day__gte=start, day__lte=end)
        .values_list("day")
        .annotate(n=Sum("calls"))
        .order_by()
    )
    return [
        (start + dt.timedelta(days=i), got.get(start + dt.timedelta(days=i), 0))
        for i in range((end - start).days + 1)
    ]


def weekly(series: list[tuple[dt.date, int]]) -> list[tuple[dt.date, int]]:
    """Daily figures summed by ISO week (labelled by the week's Monday)."""
    out: dict[dt.date, int] = defaultdict(int)
    for day, n in series:
        out[day - dt.timedelta(days=day.weekday())] += n
    return sorted(out.items())


def by_field(field: str, *, start: dt.date, end: dt.date, state: str = "") -> list[tuple[str, int]]:
    rows = (
        _places(state)
        .filter(day__gte=start, day__lte=end)
        .values_list(field)
        .annotate(n=Sum("calls"))
        .order_by("-n", field)
    )
    return [(k or "", n) for k, n in rows]


def top_campaigns(*, start: dt.date, end: dt.date, state: str = "", limit: int = 10) -> list[dict]:
    """Campaigns by calls in the period, with the previous period of the same length beside. Two queries."""
    length = (end - start).days + 1
    prev_start, prev_end = start - dt.timedelta(days=length), start - dt.timedelta(days=1)
    now = dict(
        _scope(state).filter(day__gte=start, day__lte=end, campaign__isnull=False)
        .values_list("campaign_id").annotate(n=Sum("calls")).order_by("-n")[:limit]
    )  # fmt: skip
    before = dict(
        _scope(state).filter(day__gte=prev_start, day__lte=prev_end, campaign_id__in=list(now))
        .values_list("campaign_id").annotate(n=Sum("calls")).order_by()
    )  # fmt: skip
    names = dict(Campaign.objects.filter(pk__in=list(now)).values_list("pk", "name"))
    out = []
    for cid, n in sorted(now.items(), key=lambda kv: -kv[1]):
        p = before.get(cid, 0)
        change = None if not p else round(100 * (n - p) / p)
        out.append(
            {
                "campaign_id": cid,
                "name": names.get(cid, f"#{cid}"),
                "calls": n,
                "previous": p,
                "change": change,
            }
        )
    return out


def new_campaigns(*, end: dt.date, state: str = "", days: int = 7) -> list[dict]:
    """Campaigns with calls (in scope) in the last `days` days up to `end` and none before. One query (an
    index probe on (campaign, day) per recent campaign, never a scan of the whole rollup) + names."""
    start = end - dt.timedelta(days=days - 1)
    older = _scope(state).filter(campaign_id=OuterRef("campaign_id"), day__lt=start)
    rows = list(
        _scope(state).filter(day__gte=start, day__lte=end, campaign__isnull=False).values("campaign_id")
        .annotate(first=Min("day"), n=Sum("calls")).filter(~Exists(older)).order_by("-n")[:50]
    )  # fmt: skip
    names = dict(Campaign.objects.filter(pk__in=[r["campaign_id"] for r in rows]).values_list("pk", "name"))
    return [
        {
            "name": names.get(r["campaign_id"], ""),
            "first": r["first"],
            "calls": r["n"],
            "campaign_id": r["campaign_id"],
        }
        for r in rows
    ]


def storms(*, start: dt.date, end: dt.date, state: str = "") -> list[dict]:
    """Campaign-days in the period above the storm rule. One query (the period plus its baseline window),
    one row per campaign: its days as offsets from the baseline's start and their calls, as two arrays on
    PostgreSQL (a year is about 400 values a campaign; fetching them as rows cost 7× more)."""
    base_start = start - dt.timedelta(days=BASELINE_DAYS)
    rows = _scope(state).filter(day__gte=base_start, day__lte=end, campaign__isnull=False)
    series: list[tuple[int, list[int], list[int]]]
    if connection.vendor == "postgresql":
        offset = RawSQL("(day - %s::date)", [base_start], output_field=IntegerField())  # nosec B611: a bound date
        series = list(
            rows.values("campaign_id").annotate(d=ArrayAgg(offset), n=ArrayAgg("calls")).values_list("campaign_id", "d", "n")
        )  # fmt: skip
    else:
        per: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for cid, day, n in rows.values_list("campaign_id", "day", "calls"):
            per[cid][0].append((day - base_start).days)
            per[cid][1].append(n)
        series = [(cid, d, n) for cid, (d, n) in per.items()]
    if not series:
        return []
    # Campaigns × days matrix (zeros where a campaign had no calls), the trailing 28-day median of each
    # day by a sliding window: vectorised, whatever the number of campaigns.
    span = (end - base_start).days + 1
    ids = [cid for cid, _, _ in series]
    grid = np.zeros((len(ids), span), dtype=np.float64)
    for row, (_, offsets, calls) in enumerate(series):
        grid[row, np.asarray(offsets, dtype=np.int64)] = calls  # one row per campaign and day: no repeats
    windows = sliding_window_view(grid[:, :-1], BASELINE_DAYS, axis=1)  # window k = days k .. k+27
    medians = np.median(windows, axis=2)  # medians[:, k] is the baseline of day k + 28
    today = grid[:, BASELINE_DAYS:]
    hits = np.argwhere((today > STORM_FACTOR * medians) & (today >= medians + STORM_MIN_EXTRA))
    found = [
        {"campaign_id": ids[r], "day": start + dt.timedelta(days=int(k)), "calls": int(today[r, k]),
         "baseline": float(medians[r, k])}
        for r, k in hits
    ]  # fmt: skip
    names = dict(Campaign.objects.filter(pk__in={f["campaign_id"] for f in found}).values_list("pk", "name"))
    for f in found:
        f["name"] = names.get(f["campaign_id"], "")
    found.sort(key=lambda f: (f["day"], -f["calls"]), reverse=True)
    return found[:50]


def latest_day() -> dt.date:
    """The last day with data (or today): trend periods end there so a quiet feed still shows its last weeks."""
    last = CampaignDay.objects.order_by("-day").values_list("day", flat=True).first()
    return last or dt.datetime.now(UTC).date()
