"""Reads of the ecosystem: the settings in force, the default window, the scorecard and its drill-down.
ITG staff only: every caller is behind the ITG staff gate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from providers.models import Provider, StirShaken
from tracebacks.ecosystem import findings as engine
from tracebacks.ecosystem.findings import CRITERIA, Finding, Thresholds, Window
from tracebacks.ecosystem.models import FindingSettings
from tracebacks.models import Hop

CSV_HEADER = ("provider_id", "rmd_number", "provider_name", "criterion", "count", "threshold", "window_start",
              "window_end", "traceback_ids")  # fmt: skip


def finding_settings() -> FindingSettings:
    """The one settings row (made with the defaults the first time it is read)."""
    row = FindingSettings.objects.order_by("pk").first()
    return row or FindingSettings.objects.create()


def thresholds_of(row: FindingSettings) -> Thresholds:
    return Thresholds(row.threshold_a, row.threshold_b, row.threshold_c, row.threshold_d)


def default_window(row: FindingSettings, today: date | None = None) -> Window:
    """The fixed window if one is set, else the last `window_months` months ending today (UTC)."""
    if row.window_start and row.window_end:
        return Window(row.window_start, row.window_end)
    end = today or timezone.now().date()
    return Window(engine.months_back(end, row.window_months), end)


def finding_rows(found: list[Finding]) -> list[list]:
    """The CSV rows (plain values) of a list of findings: what the command, the download and snapshots write."""
    return [
        [f.provider_id, f.rmd_number, f.provider_name, f.criterion, f.count, f.threshold,
         f.window.start.isoformat(), f.window.end.isoformat(), " ".join(map(str, f.traceback_ids))]
        for f in found
    ]  # fmt: skip


@dataclass
class ScoreRow:
    provider: Provider
    counts: dict[str, int]
    met: dict[str, Finding]
    previous: dict[str, int]
    late: int
    roles: dict[str, int]
    spoofing: int = 0
    detail: dict = field(default_factory=dict)

    @property
    def score(self) -> int:
        return len(self.met)

    @property
    def evidence(self) -> int:
        return sum(f.count for f in self.met.values())

    @property
    def no_rmd(self) -> bool:
        return not self.provider.rmd_number

    @property
    def cells(self) -> list[tuple[str, int, bool, int]]:
        """(criterion, count, met, count over the previous window), for the table."""
        return [(c, self.counts.get(c, 0), c in self.met, self.previous.get(c, 0)) for c in CRITERIA]


@dataclass
class ScoreFilters:
    criterion: str = ""
    role: str = ""
    rmd: str = ""  # "filed", "none", or a StirShaken value prefixed "ss:"


RMD_FILTERS = [("filed", "Filed in the RMD"), ("none", "No RMD filing")] + [
    (f"ss:{value}", f"STIR/SHAKEN: {label}") for value, label in StirShaken.choices if value
]


@dataclass
class Scorecard:
    rows: list[ScoreRow]
    computed_at: datetime
    total: int  # providers with a finding, before the filters


# A 12-month aggregate over millions of hops takes seconds; the page shows one computed at most this long
# ago (and says when), keyed by window and thresholds so a settings change is seen at once.
SCORECARD_CACHE_SECONDS = 600


def scorecard_cached(window: Window, thresholds: Thresholds, f: ScoreFilters) -> Scorecard:
    key = f"ecosystem:scorecard:{window.start}:{window.end}:" + "-".join(
        map(str, thresholds.as_dict().values())
    )
    cached = cache.get(key)
    if cached is None:
        rows = scorecard(window, thresholds)
        # The page shows counts and rules, never the ids (downloads recompute them): caching the ids too
        # made every page read unpickle hundreds of thousands of them (1.5 s instead of milliseconds).
        for row in rows:
            for finding in row.met.values():
                finding.traceback_ids = []
        cached = (rows, timezone.now())
        cache.set(key, cached, SCORECARD_CACHE_SECONDS)
    rows, computed_at = cached
    return Scorecard([r for r in rows if _keep(r, f)], computed_at, len(rows))


def scorecard(window: Window, thresholds: Thresholds, f: ScoreFilters | None = None) -> list[ScoreRow]:
    """Providers with at least one finding, most criteria met first, then most supporting tracebacks.

    Queries: the criteria's grouped pass, the accepted-from-the-originator semi-join and the no-RMD group (3,
    read once for both the findings and the counts shown), the same counts over the previous window for the
    trend (3), late answers (1), role counts of the providers found (1), the providers (1), spoofing (2).
    """
    f = f or ScoreFilters()
    current = engine.criterion_counts(window)
    found = engine.findings(window, thresholds, counts=current)
    counts = engine.criterion_counts(window.previous(), with_ids=False)
    late = engine.late_answers(window)
    by_provider: dict[int, dict[str, Finding]] = {}
    for finding in found:
        by_provider.setdefault(finding.provider_id, {})[finding.criterion] = finding
    providers = Provider.objects.in_bulk(list(by_provider))
    roles = engine.hop_role_counts(window, by_provider)
    spoof: dict[int, int] = {}
    for flag in engine.spoofing_flags(window):
        if flag.provider_id:
            spoof[flag.provider_id] = flag.count
    rows = [
        ScoreRow(providers[pid], {c: current[c].get(pid, {}).get("n", 0) for c in CRITERIA}, met,
                 {c: counts[c].get(pid, {}).get("n", 0) for c in CRITERIA}, late.get(pid, 0),
                 roles.get(pid, {}), spoof.get(pid, 0))
        for pid, met in by_provider.items()
    ]  # fmt: skip
    rows = [r for r in rows if _keep(r, f)]
    rows.sort(key=lambda r: (-r.score, -r.evidence, r.provider.business_name, r.provider.pk))
    return rows


def _keep(row: ScoreRow, f: ScoreFilters) -> bool:
    if f.criterion and f.criterion not in row.met:
        return False
    if f.role and not row.roles.get(f.role):
        return False
    if f.rmd == "filed" and row.no_rmd or f.rmd == "none" and not row.no_rmd:
        return False
    return not (f.rmd.startswith("ss:") and row.provider.stir_shaken != f.rmd[3:])


def provider_findings(provider: Provider, window: Window, thresholds: Thresholds) -> list[Finding]:
    return [x for x in engine.findings(window, thresholds) if x.provider_id == provider.pk]


def supporting_hops(
    provider: Provider, criterion: str, window: Window, *, now: datetime | None = None
) -> QuerySet[Hop]:
    """The provider's hops that support one criterion, with their traceback and campaign (one query)."""
    if criterion == "a" and not provider.rmd_number:
        hops = engine.window_hops(window)
    else:
        hops = engine.criterion_hops(criterion, window, now)
    return (
        hops.filter(provider=provider)
        .select_related("traceback__campaign", "upstream")
        .order_by("-asked_at", "-pk")
    )
