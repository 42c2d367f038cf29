"""The findings as evidence: what a demand's request about providers' conduct in tracebacks is answered with.

Two kinds of request reach the ITG about providers rather than calls: "the providers that failed to respond
to traceback requests within 24 hours" (criterion (a) of the findings) and "a provider's traceback history".
These selectors answer both from the findings engine, over a stated window and thresholds, as plain rows
(JSON-ready) that the legal exchange (`subpoenas/responses/`) saves with its evidence query, freezes into a
response and prints as an exhibit. Given the same window, thresholds and provider ids they return the same
rows, so a saved query can be re-run and compared.

Imports only the registry and the engine: the subpoenas app calls these, never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Count, Q

from providers.models import Provider
from tracebacks.ecosystem import findings as engine
from tracebacks.ecosystem.findings import Thresholds, Window
from tracebacks.ecosystem.models import NoticeLetter
from tracebacks.models import Hop

UNANSWERED = "findings_unanswered"
HISTORY = "provider_history"
KINDS = {
    UNANSWERED: "Providers that did not answer traceback requests within 24 hours (findings, criterion (a))",
    HISTORY: "A provider's traceback history (findings)",
}
UNANSWERED_ANSWERS = (Hop.Answer.NO_RESPONSE, Hop.Answer.REFUSED)


def _as_date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def window_of(since: str | date, until: str | date) -> Window:
    """A findings window from ISO dates (as saved in a query's criteria)."""
    return Window(_as_date(since), _as_date(until))


def unanswered_rows(
    window: Window,
    thresholds: Thresholds,
    provider_ids: Iterable[int] | None = None,
    *,
    now: datetime | None = None,
) -> list[dict]:
    """The providers criterion (a) finds over the window, one row each, with the tracebacks behind it.

    Exactly the (a) findings of the scorecard at these thresholds (hops not answered within the 24-hour clock
    of 47 CFR 64.1200(n)(1) or refused, or no RMD filing), with the late answers shown beside them (answered,
    but after the clock ran out: not scored, as on the scorecard). `provider_ids` narrows to the providers a
    request names. Ordered by count (highest first), then provider id.
    """
    wanted = set(provider_ids) if provider_ids is not None else None
    found = [f for f in engine.findings(window, thresholds, now=now) if f.criterion == "a"]
    if wanted is not None:
        found = [f for f in found if f.provider_id in wanted]
    late = engine.late_answers(window)
    return [
        {"provider_id": f.provider_id, "rmd_number": f.rmd_number, "provider_name": f.provider_name,
         "criterion": "a", "count": f.count, "threshold": f.threshold, "late": late.get(f.provider_id, 0),
         "no_rmd": bool(f.detail.get("no_rmd")), "rule": f.rule, "traceback_ids": f.traceback_ids}
        for f in found
    ]  # fmt: skip


HISTORY_COUNTS = {
    "on_time": Q(is_late=False) & ~Q(answer__in=[*UNANSWERED_ANSWERS, Hop.Answer.PENDING]),
    "late": Q(is_late=True) & ~Q(answer__in=[*UNANSWERED_ANSWERS, Hop.Answer.PENDING]),
    "unanswered": Q(answer__in=UNANSWERED_ANSWERS),
    "pending": Q(answer=Hop.Answer.PENDING),
    "no_record": Q(answer=Hop.Answer.NO_RECORD),
    "originated": engine.ORIGIN,
}


def history_rows(window: Window, thresholds: Thresholds, provider_ids: Iterable[int]) -> list[dict]:
    """Each named provider's traceback record over the window: how it answered, which findings it meets.

    One row per provider, even one with no traceback in the window (its record is then empty, which is
    itself the answer). Queries: the providers (1), one grouped pass over their hops (1), and the findings
    engine for the criteria met.
    """
    ids = sorted(set(provider_ids))
    providers = Provider.objects.in_bulk(ids)
    hops = engine.window_hops(window).filter(provider_id__in=ids)
    counts = {name: Count("pk", filter=cond) for name, cond in HISTORY_COUNTS.items()}
    grouped = {
        r["provider_id"]: r
        for r in hops.values("provider_id").annotate(n=Count("pk"), ids=engine.IdList("traceback_id"), **counts)
        .order_by()
    }  # fmt: skip
    met: dict[int, list[dict]] = {}
    for f in engine.findings(window, thresholds):
        if f.provider_id in providers:
            met.setdefault(f.provider_id, []).append(
                {"criterion": f.criterion, "count": f.count, "rule": f.rule}
            )
    rows = []
    for pid in ids:
        if pid not in providers:
            continue
        p, g = providers[pid], grouped.get(pid, {})
        rows.append(
            {"provider_id": pid, "rmd_number": p.rmd_number or "", "provider_name": p.business_name,
             "tracebacks": g.get("n", 0), **{name: g.get(name, 0) for name in HISTORY_COUNTS},
             "findings": met.get(pid, []), "traceback_ids": engine.ids_of(g.get("ids"))}
        )  # fmt: skip
    return rows


def evidence_rows(criteria: dict, *, now: datetime | None = None) -> list[dict]:
    """Run a saved findings query: `criteria` holds kind, since, until, thresholds and provider ids."""
    window = window_of(criteria["since"], criteria["until"])
    thresholds = Thresholds(**criteria["thresholds"])
    ids = criteria.get("provider_ids")
    if criteria["kind"] == UNANSWERED:
        return unanswered_rows(window, thresholds, ids, now=now)
    if criteria["kind"] == HISTORY:
        return history_rows(window, thresholds, ids or [])
    raise ValueError(f"Unknown findings query {criteria['kind']!r}: use one of {', '.join(KINDS)}.")


def row_traceback_ids(rows: list[dict]) -> list[int]:
    """Every traceback behind the rows, once, ascending."""
    return sorted({pk for row in rows for pk in row["traceback_ids"]})


def notice_letter_rows(provider_ids: Iterable[int], before: datetime) -> list[dict]:
    """The signed notice letters addressed to these providers before an instant, as the plain rows a response
    freezes beside its findings (oldest first): the notice the ITG gave each provider of its record.

    Every letter sent up to the response, not only those inside the findings' window: one sent before the
    window shows what the provider knew when the conduct happened, one sent after it that it was told and
    what it did next; a production that left either out would read as if the provider had never been
    warned (the exhibit marks where each falls against the window, so a reader can tell them apart). The
    acknowledgement is as it stands at `before` (the response's date). Only letters addressed to the
    provider count: a letter to its downstream provider about it is notice to that provider, not to it.
    One query; of a letter's frozen content only the rules it cited are read.
    """
    ids = sorted(set(provider_ids))
    if not ids:
        return []
    rows = (
        NoticeLetter.objects.filter(provider_id__in=ids, sent_at__lt=before)
        .order_by("sent_at", "pk")
        .values_list("reference", "kind", "provider_id", "provider__business_name", "provider__rmd_number",
                     "about__business_name", "sent_at", "window_start", "window_end", "criteria",
                     "content__obligations", "status", "acknowledged_at", "acknowledged_via", "sha256",
                     "bates_first", "bates_last")
    )  # fmt: skip
    kinds = dict(NoticeLetter._meta.get_field("kind").choices)
    return [
        {"reference": ref, "kind": kinds.get(kind, kind), "provider_id": pid, "provider_name": name,
         "rmd_number": rmd or "", "about": about, "sent_at": sent.isoformat(), "sent_on": sent.date().isoformat(),
         "window_start": start.isoformat(), "window_end": end.isoformat(), "criteria": sorted(criteria or []),
         "rules": list(dict.fromkeys(o["cite"] for o in obligations or [])),
         "acknowledged": status == NoticeLetter.Status.ACKNOWLEDGED,
         "acknowledged_at": ack.isoformat() if ack else None, "acknowledged_via": via,
         "sha256": sha, "bates_first": first, "bates_last": last}
        for (ref, kind, pid, name, rmd, about, sent, start, end, criteria, obligations, status, ack, via, sha,
             first, last) in rows
    ]  # fmt: skip
