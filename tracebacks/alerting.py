"""What alerts need from the traceback data: campaign activity over a window, as plain data.

The legal exchange (`subpoenas.alerts`) reads tracebacks only through these selectors, so `tracebacks`
stays free of any import of `cases` or `subpoenas`. The triggers count a campaign's activity from its
tracebacks (each traceback is one observed call; the called number's area code gives the state its
resident was called in). An alert's packet states the campaign's *estimated* volume, nationally and into
each state, from the call records' daily rollups (`tracebacks.detection.models.DailyRollup`: every source's
calls of the campaign per day and called party's state) where they exist, beside the traced calls
(`campaign_volume`): the records are the campaign's measured reach, the tracebacks a sample of it.

Every function here is read-only and bounded: a fixed number of queries whatever the campaign's size
(the per-number state lookup is cached in process and needs no query).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Prefetch, Sum

from providers.models import Provider
from tracebacks.calls.models import Source
from tracebacks.calls.numbers import state_of_number  # the one area-code -> state rule
from tracebacks.detection.models import DailyRollup
from tracebacks.ecosystem.letters.selectors import letters_before
from tracebacks.models import Campaign, Hop, Traceback

SAMPLE_TRANSCRIPTS = 5
MAX_PATHS = 25  # hop paths printed in a packet; the CSV/JSON carry the same 25 (the records request gets all)
MAX_PRIOR_NOTICES = 10  # dated notices listed per provider (the count covers all of them)


@dataclass(frozen=True)
class ActivitySummary:
    """One campaign's volume over a window: what triggers compare with their thresholds."""

    campaign_id: int
    name: str
    kind: str
    total: int
    by_state: dict[str, int]
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None

    @property
    def states(self) -> list[str]:
        return sorted(s for s, n in self.by_state.items() if n)


def _volume_rows(start: dt.datetime, end: dt.datetime, campaign_ids=None):
    """(campaign id, called number, calls, first, last) over [start, end): one grouped query."""
    rows = Traceback.objects.filter(call_at__gte=start, call_at__lt=end)
    if campaign_ids is not None:
        rows = rows.filter(campaign_id__in=list(campaign_ids))
    return rows.values_list("campaign_id", "called_number").annotate(
        n=Count("id"), first=Min("call_at"), last=Max("call_at")
    )


def campaign_activity_summaries(
    start: dt.datetime, end: dt.datetime, *, campaign_ids=None
) -> list[ActivitySummary]:
    """Every campaign active in [start, end), with its volume nationally and per state. Two queries."""
    by_campaign: dict[int, dict] = {}
    for campaign_id, called, n, first, last in _volume_rows(start, end, campaign_ids):
        acc = by_campaign.setdefault(
            campaign_id, {"total": 0, "states": Counter(), "first": first, "last": last}
        )
        acc["total"] += n
        if state := state_of_number(called):
            acc["states"][state] += n
        acc["first"], acc["last"] = min(acc["first"], first), max(acc["last"], last)
    campaigns = Campaign.objects.in_bulk(list(by_campaign))
    return [
        ActivitySummary(
            pk,
            campaigns[pk].name,
            campaigns[pk].kind,
            a["total"],
            dict(sorted(a["states"].items())),
            a["first"],
            a["last"],
        )  # fmt: skip
        for pk, a in sorted(by_campaign.items())
    ]


@dataclass(frozen=True)
class VolumeEstimate:
    """A campaign's estimated calls over a window, nationally and per called party's state.

    Where the call records hold the campaign (its daily rollup rows in the window), each figure is the larger
    of the records' count and the traced calls' count: a traced call is usually one of the recorded calls
    too (a honeypot or complaint record of the same call), so adding the two would count it twice, while
    taking the larger never reports less than either source saw. The national figure is likewise the largest
    of the records' total, the traced total and the sum of the states' estimates (so the states never add up
    to more than the nation). With no call records in the window the estimate is the traced calls alone.
    """

    total: int
    by_state: dict[str, int]
    call_records: int  # the campaign's calls in the daily rollups over the window (all sources)
    records_by_state: dict[str, int]
    records_by_source: dict[str, int]
    tracebacks: int

    @property
    def states(self) -> list[str]:
        return sorted(s for s, n in self.by_state.items() if n)

    @property
    def basis(self) -> str:
        if not self.call_records:
            return "Observed calls: the campaign's traced sample calls in the period (no call records of it)."
        labels = dict(Source.choices)
        sources = ", ".join(f"{labels.get(k, k)} {n:,}" for k, n in sorted(self.records_by_source.items()))
        return (
            f"Estimated from {self.call_records:,} call records of the campaign in the period ({sources}) "
            f"and {self.tracebacks:,} traced call{'s' if self.tracebacks != 1 else ''}; nationally and per "
            "state, the larger of the two counts (a traced call is usually also a recorded one)."
        )


def traced_volume(traced: ActivitySummary) -> VolumeEstimate:
    """The estimate when no call record is consulted: the traced calls alone."""
    return VolumeEstimate(traced.total, dict(traced.by_state), 0, {}, {}, traced.total)


def _days(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The UTC days the rollup holds for [start, end) (periods are whole UTC days)."""
    last = end.astimezone(dt.UTC) - dt.timedelta(microseconds=1)
    return start.astimezone(dt.UTC).date(), last.date()


def campaign_volume(
    campaign_id: int, start: dt.datetime, end: dt.datetime, traced: ActivitySummary
) -> VolumeEstimate:
    """The estimated volume of one campaign over [start, end) from its daily rollups and its traced calls
    (`traced`, from `campaign_activity_summaries`). One query."""
    first, last = _days(start, end)
    rows = (
        DailyRollup.objects.filter(campaign_id=campaign_id, day__gte=first, day__lte=last)
        .values_list("state", "source")
        .annotate(n=Sum("calls"))
        .order_by()
    )
    states: Counter = Counter()
    sources: Counter = Counter()
    for state, source, n in rows:
        sources[source] += n
        if state:
            states[state] += n
    records = sum(sources.values())
    by_state = {
        s: max(states.get(s, 0), traced.by_state.get(s, 0)) for s in set(states) | set(traced.by_state)
    }
    return VolumeEstimate(
        total=max(records, traced.total, sum(by_state.values())), by_state=dict(sorted(by_state.items())), call_records=records,
        records_by_state=dict(sorted(states.items())), records_by_source=dict(sorted(sources.items())),
        tracebacks=traced.total,
    )  # fmt: skip


def campaign_call_times(campaign_ids, start: dt.datetime, end: dt.datetime) -> dict[int, list[dt.datetime]]:
    """Each campaign's call times in the window, sorted (for storm detection). One query."""
    out: dict[int, list[dt.datetime]] = defaultdict(list)
    rows = Traceback.objects.filter(campaign_id__in=list(campaign_ids), call_at__gte=start, call_at__lt=end)
    for campaign_id, at in rows.order_by("call_at").values_list("campaign_id", "call_at"):
        out[campaign_id].append(at)
    return out


def campaigns_traced_to_origin(start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """Campaigns with tracebacks completed to an originating provider in the window: campaign -> count."""
    rows = Traceback.objects.filter(
        status=Traceback.Status.COMPLETED,
        originating_provider__isnull=False,
        ended_at__gte=start,
        ended_at__lt=end,
    )
    return dict(rows.values_list("campaign_id").annotate(n=Count("id")).values_list("campaign_id", "n"))


def campaigns_with_new_foreign_gateway(start: dt.datetime, end: dt.datetime) -> dict[int, list[str]]:
    """Campaigns whose tracebacks in the window reached a gateway for a foreign upstream that had never
    served as a gateway before the window: campaign -> gateway provider names. Two queries."""
    gateway_hops = Hop.objects.filter(role=Hop.Role.GATEWAY, upstream__is_foreign=True)
    seen_before = set(
        gateway_hops.filter(asked_at__lt=start).values_list("provider_id", flat=True).distinct()
    )
    fresh = gateway_hops.filter(asked_at__gte=start, asked_at__lt=end).exclude(provider_id__in=seen_before)
    out: dict[int, set[str]] = defaultdict(set)
    for campaign_id, name in fresh.values_list("traceback__campaign_id", "provider__business_name"):
        out[campaign_id].add(name)
    return {k: sorted(v) for k, v in out.items()}


# --- The full picture of one campaign, for an alert's packet ----------------------------------------------


@dataclass(frozen=True)
class PathHop:
    sequence: int
    provider: str
    provider_rmd: str
    role: str
    answer: str
    attestation: str
    asked_at: dt.datetime | None
    answered_at: dt.datetime | None
    customer: str


@dataclass(frozen=True)
class TracebackPath:
    traceback_id: int
    call_at: dt.datetime
    calling_number: str
    called_number: str
    called_state: str
    status: str
    hops: tuple[PathHop, ...]


@dataclass(frozen=True)
class Sample:
    traceback_id: int
    call_at: dt.datetime
    calling_number: str
    transcript: str
    has_recording: bool


@dataclass(frozen=True)
class Origin:
    provider: str
    provider_rmd: str
    customer: str
    tracebacks: int


@dataclass(frozen=True)
class LetterNotice:
    """A signed notice letter the provider received (tracebacks.ecosystem.letters), cited by date."""

    date: dt.date
    reference: str
    kind: str
    acknowledged: bool


@dataclass(frozen=True)
class PriorNotice:
    """The traceback requests a provider on the campaign's paths received before the window: evidence that
    it knew (the TSR's "assisting and facilitating", 16 CFR 310.3(b))."""

    provider: str
    provider_rmd: str
    count: int
    dates: tuple[dt.date, ...]
    letters: tuple[LetterNotice, ...] = ()


@dataclass(frozen=True)
class CampaignActivity:
    campaign_id: int
    name: str
    kind: str
    kind_label: str
    legal_basis: str
    start: dt.datetime
    end: dt.datetime
    summary: ActivitySummary
    caller_ids: tuple[tuple[str, int], ...]
    samples: tuple[Sample, ...]
    paths: tuple[TracebackPath, ...]
    path_count: int
    origins: tuple[Origin, ...]
    prior_notices: tuple[PriorNotice, ...] = field(default=())
    volume: VolumeEstimate | None = None  # the packet's estimated volume (traced calls and call records)


def _empty_summary(campaign: Campaign) -> ActivitySummary:
    return ActivitySummary(campaign.pk, campaign.name, campaign.kind, 0, {}, None, None)


def campaign_activity(campaign_id: int, start: dt.datetime, end: dt.datetime) -> CampaignActivity:
    """Everything an alert's packet states about one campaign over [start, end). Eleven queries."""
    campaign = Campaign.objects.get(pk=campaign_id)
    summaries = campaign_activity_summaries(start, end, campaign_ids=[campaign_id])
    summary = summaries[0] if summaries else _empty_summary(campaign)
    window = Traceback.objects.filter(campaign_id=campaign_id, call_at__gte=start, call_at__lt=end)
    caller_ids = tuple(
        window.values_list("calling_number").annotate(n=Count("id")).order_by("-n", "calling_number")[:50]
    )
    samples = tuple(
        Sample(tb.pk, tb.call_at, tb.calling_number, tb.transcript.strip(), bool(tb.recording))
        for tb in window.exclude(transcript="").order_by("call_at", "pk")[:SAMPLE_TRANSCRIPTS]
    )
    hops = Hop.objects.select_related("provider").order_by("sequence")
    traced = window.filter(hop_count__gt=0).order_by("call_at", "pk")
    paths = tuple(_path(tb) for tb in traced.prefetch_related(Prefetch("hops", queryset=hops))[:MAX_PATHS])
    origins = _origins(window)
    return CampaignActivity(
        campaign_id=campaign.pk, name=campaign.name, kind=campaign.kind, kind_label=campaign.get_kind_display(),
        legal_basis=campaign.legal_basis, start=start, end=end, summary=summary, caller_ids=caller_ids,
        samples=samples, paths=paths, path_count=traced.count(), origins=origins,
        prior_notices=_prior_notices(window, start), volume=campaign_volume(campaign_id, start, end, summary),
    )  # fmt: skip


def _path(tb: Traceback) -> TracebackPath:
    return TracebackPath(
        traceback_id=tb.pk, call_at=tb.call_at, calling_number=tb.calling_number, called_number=tb.called_number,
        called_state=state_of_number(tb.called_number), status=tb.get_status_display(),
        hops=tuple(
            PathHop(h.sequence, h.provider.business_name, h.provider.rmd_number or "", h.get_role_display(),
                    h.get_answer_display(), h.attestation, h.asked_at, h.answered_at, h.customer)
            for h in tb.hops.all()
        ),
    )  # fmt: skip


def _origins(window) -> tuple[Origin, ...]:
    rows = (
        Hop.objects.filter(traceback__in=window, role=Hop.Role.ORIGINATING)
        .values_list("provider__business_name", "provider__rmd_number", "customer")
        .annotate(n=Count("traceback_id", distinct=True))
        .order_by("-n", "provider__business_name", "customer")
    )
    return tuple(Origin(name, rmd or "", customer, n) for name, rmd, customer, n in rows)


def _prior_notices(window, start: dt.datetime) -> tuple[PriorNotice, ...]:
    """Traceback requests (any campaign) and signed notice letters to the providers on this window's
    paths, before the window: the dated notices that show each provider knew."""
    providers = Hop.objects.filter(traceback__in=window).values("provider_id")
    earlier = Hop.objects.filter(provider_id__in=providers, asked_at__lt=start)
    counts: dict[int, list[dt.date]] = defaultdict(list)
    names: dict[int, tuple[str, str]] = {}
    rows = earlier.order_by("provider__business_name", "-asked_at").values_list(
        "provider_id", "provider__business_name", "provider__rmd_number", "asked_at"
    )
    totals = Counter()
    for pid, name, rmd, asked in rows.iterator():
        names[pid] = (name, rmd or "")
        totals[pid] += 1
        if len(counts[pid]) < MAX_PRIOR_NOTICES:
            counts[pid].append(asked.date())
    letters = letters_before(providers.values_list("provider_id", flat=True), start)
    for pid, name, rmd in Provider.objects.filter(pk__in=set(letters) - set(names)).values_list(
        "pk", "business_name", "rmd_number"
    ):
        names[pid] = (name, rmd or "")
    ordered = sorted(names, key=lambda pid: (names[pid][0], pid))
    return tuple(
        PriorNotice(*names[pid], totals[pid], tuple(counts[pid]),
                    tuple(LetterNotice(x.sent_at.date(), x.reference, x.get_kind_display(), x.is_acknowledged)
                          for x in letters.get(pid, ())))
        for pid in ordered
    )  # fmt: skip


@dataclass(frozen=True)
class FindingCrossing:
    """A provider that meets a finding criterion over the window ending with a period and did not over the
    window ending the day before it: the campaign is the one most of its new supporting tracebacks carry."""

    provider_id: int
    provider: str
    criteria: tuple[str, ...]
    campaign_id: int
    campaign: str
    campaign_kind: str
    tracebacks: int


def providers_crossing_findings(first_day: dt.date, last_day: dt.date) -> list[FindingCrossing]:
    """The providers that crossed a finding threshold during [first_day, last_day], at the thresholds and
    window length in force (FindingSettings). Two findings runs and one query for the campaigns."""
    from tracebacks.ecosystem import findings as engine
    from tracebacks.ecosystem import selectors as eco

    row = eco.finding_settings()
    thresholds = eco.thresholds_of(row)
    now = engine.Window(engine.months_back(last_day, row.window_months), last_day)
    before_end = first_day - dt.timedelta(days=1)
    before = engine.Window(engine.months_back(before_end, row.window_months), before_end)
    had = {(f.provider_id, f.criterion) for f in engine.findings(before, thresholds)}
    new: dict[int, list] = defaultdict(list)
    for f in engine.findings(now, thresholds):
        if (f.provider_id, f.criterion) not in had:
            new[f.provider_id].append(f)
    start, end = (
        dt.datetime.combine(d, dt.time(), tzinfo=dt.UTC) for d in (first_day, last_day + dt.timedelta(days=1))
    )
    out = []
    for pid, found in sorted(new.items()):
        ids = {t for f in found for t in f.traceback_ids}
        top = (
            Traceback.objects.filter(
                pk__in=ids, hops__provider_id=pid, hops__asked_at__gte=start, hops__asked_at__lt=end
            )
            .values("campaign_id", "campaign__name", "campaign__kind")
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", "campaign_id")
            .first()
        )
        if top is None:  # crossed only because older tracebacks left the earlier window: nothing new to alert
            continue
        out.append(FindingCrossing(pid, found[0].provider_name, tuple(sorted(f.criterion for f in found)),
                                   top["campaign_id"], top["campaign__name"], top["campaign__kind"], top["n"]))  # fmt: skip
    return out
