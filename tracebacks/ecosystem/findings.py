"""The findings engine: which providers meet the criteria of a non-cooperative provider, and on what evidence.

The AGs asked the ITG to identify providers that (a) do not take part in tracebacks, (b) repeatedly
originate or accept illegal robocalls, (c) are regularly the US point of entry for robocalls from abroad,
(d) repeatedly cannot produce records. Each criterion is one aggregate query over the hops asked in the
window (set-based: one row per provider, never a loop over providers), counted against a threshold that
ITG administrators see and change (`FindingSettings`). Every finding carries the ids of the tracebacks that
support it and the rule, in words, that produced it.

What counts, and why:
- The window is on `Hop.asked_at` (when the provider was asked, which is when its 24-hour clock started),
  from the first day 00:00 UTC to the last day 24:00 UTC. A provider is on a call's path once
  (`hop_provider_once_per_path`), so hops counted per provider are tracebacks counted per provider.
- (a) hops answered "no response" (the 24-hour clock of 47 CFR 64.1200(n)(1) ran out; the beat task marks
  them) or "refused", and hops still pending after their due time (not yet swept). A late answer is shown
  beside the findings, not scored, as the issue asks. A provider with no RMD filing (no RMD number: 47 CFR
  64.6305(g) bars downstream providers from accepting its traffic) that carried any traceback in the window
  meets (a) whatever its count; its evidence is then every traceback it carried.
- (b) hops where the provider originated the call (role "originating" or it identified its customer), or
  accepted it straight from the originator (the next hop upstream, sequence + 1, is the originating one).
- (c) hops where a US provider (not flagged foreign) named a foreign provider as its upstream: it was the
  point of entry. Shown with whether its RMD filing declares the gateway role and how the calls it let in
  were signed: a gateway can only give C attestation to a call from abroad (ATIS-1000074), so A or B there
  is itself worth a look.
- (d) hops answered "no record".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from providers.models import Provider
from tracebacks.models import Hop

CRITERIA = ("a", "b", "c", "d")
CRITERION_TITLES = {
    "a": "Does not take part in tracebacks",
    "b": "Originates or accepts illegal robocalls",
    "c": "US point of entry for robocalls from abroad",
    "d": "Cannot produce records",
}
RULES = {
    "a": "{count} hop{s} asked in the window {were} not answered within the 24-hour clock of 47 CFR "
    "64.1200(n)(1) or {were} refused; the threshold is {threshold}.",
    "b": "In {count} traceback{s} in the window the provider originated the call or accepted it straight "
    "from the originating provider; the threshold is {threshold}.",
    "c": "In {count} traceback{s} in the window the provider was the US gateway for a call from a foreign "
    "provider; the threshold is {threshold}.",
    "d": "{count} hop{s} asked in the window {were} answered 'no record'; the threshold is {threshold}.",
}
NO_RMD_RULE = (
    "The provider has no filing in the Robocall Mitigation Database (47 CFR 64.6305) and carried "
    "{carried} traceback{s} in the window; any such traffic meets the criterion."
)


def plural(n) -> dict[str, str]:
    """The words of a rule that agree with its count: "1 hop ... was", "3 hops ... were"."""
    return {"s": "", "were": "was"} if n == 1 else {"s": "s", "were": "were"}


@dataclass(frozen=True)
class Window:
    """A window of whole days in UTC, both ends inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"The window ends ({self.end:%Y-%m-%d}) before it starts ({self.start:%Y-%m-%d}): "
                "give a last day on or after the first day."
            )

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time.min, tzinfo=UTC),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC),
        )

    def previous(self) -> Window:
        """The window of the same length just before this one (for the trend)."""
        days = (self.end - self.start).days + 1
        return Window(self.start - timedelta(days=days), self.start - timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"


def months_back(end: date, months: int) -> date:
    """The day after the same day `months` months before `end` (a 12-month window ending 2026-12-01 starts
    2025-12-02), clamped to the month's length."""
    year, month = divmod(end.year * 12 + end.month - 1 - months, 12)
    month += 1
    for day in (end.day, 30, 29, 28):
        try:
            return date(year, month, day) + timedelta(days=1)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Thresholds:
    a: int = 3
    b: int = 3
    c: int = 3
    d: int = 3

    def of(self, criterion: str) -> int:
        return getattr(self, criterion)

    def as_dict(self) -> dict[str, int]:
        return {c: self.of(c) for c in CRITERIA}


@dataclass
class Finding:
    provider_id: int
    rmd_number: str
    provider_name: str
    criterion: str
    count: int
    threshold: int
    window: Window
    traceback_ids: list[int]
    rule: str
    detail: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return CRITERION_TITLES[self.criterion]


class IdList(Aggregate):
    """The group's ids, in no particular order (callers sort): an integer array on PostgreSQL (ARRAY_AGG,
    which psycopg hands over as a list of ints), a space-separated string on SQLite (GROUP_CONCAT).

    No ORDER BY inside the aggregate: it forces PostgreSQL to sort every input row of the groups (spilling to
    disk over a million hops) where a hash aggregate needs no sort at all; sorting each group's list in
    Python afterwards costs a fraction of that."""

    function = "ARRAY_AGG"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        expr_sql, params = compiler.compile(self.source_expressions[0])
        return f"ARRAY_AGG({expr_sql})", params

    def as_sqlite(self, compiler, connection, **extra):
        expr_sql, params = compiler.compile(self.source_expressions[0])
        return f"GROUP_CONCAT({expr_sql}, ' ')", params


def ids_of(value: list[int] | str | None) -> list[int]:
    """An `IdList` result as a sorted list of ints, whichever database produced it."""
    if isinstance(value, list):
        return sorted(value)
    return sorted(int(x) for x in (value or "").split())


@contextmanager
def analytic_session() -> Iterator[None]:
    """Run the findings' aggregates with PostgreSQL's JIT off and room to hash in memory.

    Measured on 2.5 M hops (1.3 M in the window): JIT spent 0.7 s compiling the grouped pass and 0.4 s the
    semi-join, each run, to save less than that in execution (these queries are scans and hashes, not
    expression-heavy); and at the default 4 MB work_mem the grouping spilled to disk. Both are set local to
    the transaction (opened here, or the request's own: no savepoint, one query), never to the session.
    """
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)")
        yield


def window_hops(window: Window) -> QuerySet[Hop]:
    start, end = window.bounds
    return Hop.objects.filter(asked_at__gte=start, asked_at__lt=end)


ORIGIN = Q(role=Hop.Role.ORIGINATING) | Q(answer=Hop.Answer.CUSTOMER)


def _next_is_origin() -> QuerySet[Hop]:
    """The hop just upstream (sequence + 1) of the outer hop, when it is the originating provider's."""
    return Hop.objects.filter(ORIGIN, traceback=OuterRef("traceback"), sequence=OuterRef("sequence") + 1)


def criterion_hops(criterion: str, window: Window, now: datetime | None = None) -> QuerySet[Hop]:
    """The hops of the window that count towards one criterion (without the no-RMD part of (a))."""
    hops = window_hops(window)
    if criterion == "a":
        overdue = Q(answer=Hop.Answer.PENDING, due_at__lt=now or timezone.now())
        return hops.filter(Q(answer__in=[Hop.Answer.NO_RESPONSE, Hop.Answer.REFUSED]) | overdue)
    if criterion == "b":
        return hops.filter(ORIGIN) | hops.filter(Exists(_next_is_origin()))
    if criterion == "c":
        # Foreign ids as a subquery (a hashed set of a few dozen) rather than joins to the registry, so
        # PostgreSQL scans the window's hops once instead of looping per provider (0.4 s against 4 s).
        foreign = Provider.objects.filter(is_foreign=True).values("pk")
        return hops.filter(upstream_id__in=foreign).exclude(provider_id__in=foreign)
    if criterion == "d":
        return hops.filter(answer=Hop.Answer.NO_RECORD)
    raise ValueError(f"Unknown criterion {criterion!r}: use one of a, b, c, d.")


def _grouped(hops: QuerySet[Hop], *, with_ids: bool, **extra) -> Iterable[dict]:
    annotations = {"n": Count("pk"), **extra}
    if with_ids:
        annotations["ids"] = IdList("traceback_id")
    return hops.values("provider_id").annotate(**annotations).order_by()


def _flag(cond: Q) -> Case:
    return Case(When(cond, then=Value(True)), default=Value(False), output_field=BooleanField())


@analytic_session()
def criterion_counts(
    window: Window, *, with_ids: bool = True, now: datetime | None = None
) -> dict[str, dict[int, dict]]:
    """{criterion: {provider_id: {"n": count, "ids": [...], ...}}} for every provider with a count.

    Two aggregate queries (after a small one for the registry's foreign and unfiled ids). The first is
    one pass over the window's hops that match any criterion, grouped by provider and by the facts the
    criteria read (answer, role, overdue, upstream foreign, provider foreign, attestation, no RMD filing):
    a few thousand groups, each with its count and its traceback ids, which Python then adds up per
    criterion (a group can count towards several). The second is the "accepted straight from the
    originator" half of (b), a semi-join on the next hop; kept apart because an OR with the EXISTS defeats PostgreSQL's semi-join (10 s instead of 1 s over 2.5 M hops). A provider is
    once on a path, so it cannot be both the originator and the provider just downstream of it on one
    traceback: adding the two halves of (b) counts no traceback twice. (Measured on 1.3 M hops: one grouped
    query per criterion took 6 scans; one pass with each criterion as a FILTERed STRING_AGG took 27 s.)
    """
    # The foreign and unfiled providers as literal id lists (a few dozen; PostgreSQL hashes the list), not
    # subqueries: a hashed SubPlan makes the whole pass parallel-restricted, so PostgreSQL scanned the hops
    # in one process; with literals it scans them with its workers (bench/ecosystem.py, --scale 10 at load
    # 4.8: the findings' median 260-300 ms -> 225-250 ms; the grouped pass 95 -> 66 ms).
    foreign: list[int] = []
    unfiled: list[int] = []
    marked = Provider.objects.filter(Q(is_foreign=True) | Q(rmd_number__isnull=True))
    for pk, is_foreign, rmd in marked.values_list("pk", "is_foreign", "rmd_number"):
        if is_foreign:
            foreign.append(pk)
        if rmd is None:
            unfiled.append(pk)
    now = now or timezone.now()
    overdue = Q(answer=Hop.Answer.PENDING, due_at__lt=now)
    unanswered = Q(answer__in=[Hop.Answer.NO_RESPONSE, Hop.Answer.REFUSED])
    any_criterion = (unanswered | overdue | ORIGIN | Q(answer=Hop.Answer.NO_RECORD) | Q(upstream_id__in=foreign)
                     | Q(provider_id__in=unfiled))  # fmt: skip
    facts = {"is_overdue": _flag(overdue), "up_foreign": _flag(Q(upstream_id__in=foreign)),
             "p_foreign": _flag(Q(provider_id__in=foreign)), "no_rmd": _flag(Q(provider_id__in=unfiled))}  # fmt: skip
    groups = (
        window_hops(window).filter(any_criterion).annotate(**facts)
        .values("provider_id", "answer", "role", "attestation", *facts)
        .annotate(n=Count("pk"), **({"ids": IdList("traceback_id")} if with_ids else {}))
        .order_by()
    )  # fmt: skip
    out: dict[str, dict[int, dict]] = {name: {} for name in (*CRITERIA, "no_rmd")}

    def add(name: str, g: dict, **extra: int) -> None:
        row = out[name].setdefault(g["provider_id"], {"n": 0, "ids": [], **{k: 0 for k in extra}})
        row["n"] += g["n"]
        row["ids"] += ids_of(g.get("ids"))
        for k, v in extra.items():
            row[k] += v

    for g in groups:
        if g["answer"] in (Hop.Answer.NO_RESPONSE, Hop.Answer.REFUSED) or g["is_overdue"]:
            add("a", g)
        if g["role"] == Hop.Role.ORIGINATING or g["answer"] == Hop.Answer.CUSTOMER:
            add("b", g)
        if g["up_foreign"] and not g["p_foreign"]:
            add("c", g, c_attested=g["n"] if g["attestation"] == "C" else 0)
        if g["answer"] == Hop.Answer.NO_RECORD:
            add("d", g)
    for r in _grouped(window_hops(window).filter(Exists(_next_is_origin())), with_ids=with_ids):
        add("b", r)
    # Every hop of a provider without an RMD filing is evidence (it carried traffic); a separate small query
    # through the provider index, since those providers' other hops are not in the groups above.
    for r in _grouped(window_hops(window).filter(provider_id__in=unfiled), with_ids=with_ids):
        add("no_rmd", r)
    for rows in out.values():
        for row in rows.values():
            row["ids"].sort()
    return out


def findings(
    window: Window, thresholds: Thresholds, *, now: datetime | None = None, counts: dict | None = None
) -> list[Finding]:
    """Every finding of the window, ordered by criterion, count (highest first), then provider id.

    `counts` is `criterion_counts(window)` when the caller has it already (the scorecard shows the counts
    under the thresholds too, and reading the window's hops twice doubled its cold build)."""
    counts = counts if counts is not None else criterion_counts(window, now=now)
    met: list[tuple[str, int, dict]] = []
    for criterion in CRITERIA:
        limit = thresholds.of(criterion)
        for pid, row in counts[criterion].items():
            if row["n"] >= limit or (criterion == "a" and pid in counts["no_rmd"]):
                met.append((criterion, pid, row))
        if criterion == "a":
            met += [("a", pid, {"n": 0, "ids": []}) for pid in counts["no_rmd"] if pid not in counts["a"]]
    # Only the fields a finding states: the registry row is wide, and reading every column of a few hundred
    # providers cost 26 ms a run.
    providers = Provider.objects.only("rmd_number", "business_name", "is_gateway").in_bulk(
        {pid for _, pid, _ in met}
    )
    result = []
    for criterion, pid, row in met:
        p = providers[pid]
        limit = thresholds.of(criterion)
        ids = row["ids"]
        rule = RULES[criterion].format(count=row["n"], threshold=limit, **plural(row["n"]))
        detail: dict = {}
        if criterion == "a" and pid in counts["no_rmd"]:
            carried = counts["no_rmd"][pid]
            ids = sorted(set(ids) | set(carried["ids"]))
            rule = NO_RMD_RULE.format(carried=carried["n"], **plural(carried["n"])) + (
                " " + rule if row["n"] else ""
            )
            detail["no_rmd"] = True
        if criterion == "c":
            detail |= {"declares_gateway": p.is_gateway, "c_attested": row["c_attested"],
                       "other_attestation": row["n"] - row["c_attested"]}  # fmt: skip
        result.append(Finding(pid, p.rmd_number or "", p.business_name, criterion, row["n"], limit, window,
                              ids, rule, detail))  # fmt: skip
    result.sort(key=lambda f: (f.criterion, -f.count, f.provider_id))
    return result


@dataclass
class SpoofingFlag:
    """A-attested calls from numbers their signer cannot be shown to own."""

    signer: str
    provider_id: int | None
    count: int
    traceback_ids: list[int]


SPOOFING_RULE = (
    "We hold no number-assignment data, so a signer is taken to own a calling number only when it is the one "
    "signer that gave A attestation to calls from that number in the window. A number A-attested by two or "
    "more signers cannot be assigned to all of them: each of those A-attested calls is a red flag against "
    "its signer (full attestation vouches that the caller may use the number, ATIS-1000074 5.2.3)."
)


@analytic_session()
def spoofing_flags(window: Window) -> list[SpoofingFlag]:
    """A-attested calls (as the terminating provider saw them, hop 1) whose calling number two or more signers
    A-attested in the window; grouped by signer, matched to a provider by its business name."""
    first = window_hops(window).filter(sequence=1, attestation="A").exclude(signer="")
    shared = (
        first.values("traceback__calling_number")
        .annotate(signers=Count("signer", distinct=True))
        .filter(signers__gte=2)
        .values("traceback__calling_number")
    )
    rows = (
        first.filter(traceback__calling_number__in=shared)
        .values("signer")
        .annotate(n=Count("pk"), ids=IdList("traceback_id"))
        .order_by()
    )
    rows = list(rows)
    names = {
        p.business_name: p.pk for p in Provider.objects.filter(business_name__in=[r["signer"] for r in rows])
    }
    flags = [SpoofingFlag(r["signer"], names.get(r["signer"]), r["n"], ids_of(r["ids"])) for r in rows]
    return sorted(flags, key=lambda f: (-f.count, f.signer))


@analytic_session()
def late_answers(window: Window) -> dict[int, int]:
    """Answers given after the 24-hour clock ran out, per provider (shown, not scored)."""
    rows = (
        window_hops(window)
        .filter(is_late=True)
        .exclude(answer__in=[Hop.Answer.NO_RESPONSE, Hop.Answer.PENDING])
        .values("provider_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["provider_id"]: r["n"] for r in rows}


def hop_role_counts(window: Window, provider_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """Hops by role per provider in the window, in one grouped query."""
    hops = window_hops(window)
    if provider_ids is not None:
        hops = hops.filter(provider_id__in=list(provider_ids))
    out: dict[int, dict[str, int]] = {}
    for r in hops.values("provider_id", "role").annotate(n=Count("pk")).order_by():
        out.setdefault(r["provider_id"], {})[r["role"]] = r["n"]
    return out
