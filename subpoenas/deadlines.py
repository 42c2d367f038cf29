"""A demand's due date: the base rule, then every extension and pause replayed in order, with the reasons.

The base is the demand's return date, or its response period counted from the date of service in calendar
or business days, on the federal and issuing state's calendar (`itg.calendar`), due at the end of that
local day and moved past weekends and holidays. Extensions granted by the requester set a new return date;
a pause (the ITG awaiting the requester's clarification) gives back the business days the clock stood
still. The due date is never edited by hand: it is recomputed from these facts, so it can always be
explained and recomputed when holiday data changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from itg.calendar import (
    DueComputation,
    add_business_days,
    add_calendar_days,
    due_from_return_date,
    extend_by_pause,
    fmt_date,
)
from subpoenas.models import DeadlineEvent, LegalDemand

K = DeadlineEvent.Kind


@dataclass(frozen=True)
class Terms:
    """What the demand itself says about time, before any event."""

    state: str
    date_served: date
    return_date: date | None
    response_days: int | None
    day_kind: str


def base_due(terms: Terms) -> DueComputation:
    """The due date the demand sets on its face."""
    if terms.return_date is not None:
        return due_from_return_date(terms.return_date, terms.state)
    if terms.day_kind == LegalDemand.DayKind.BUSINESS:
        return add_business_days(terms.date_served, terms.response_days or 0, terms.state)
    return add_calendar_days(terms.date_served, terms.response_days or 0, terms.state)


def terms_of(demand: LegalDemand) -> Terms:
    return Terms(
        demand.state, demand.date_served, demand.return_date, demand.response_days, demand.response_day_kind
    )


def replay(terms: Terms, events: Iterable[DeadlineEvent]) -> tuple[DueComputation, datetime | None]:
    """Fold the events onto the base due date; returns the result and the start of a pause still open."""
    due = base_due(terms)
    sentences = [due.explanation]
    open_pause: datetime | None = None
    for event in events:
        if event.kind == K.EXTENSION_GRANTED and event.requested_date:
            due = due_from_return_date(event.requested_date, terms.state)
            sentences.append(f"Extension granted on {fmt_date(event.at.date())}: {due.explanation}")
        elif event.kind == K.PAUSED and open_pause is None:
            open_pause = event.at
        elif event.kind == K.RESUMED and open_pause is not None:
            due, sentence = _apply_pause(due, open_pause, event.at, terms.state)
            sentences.append(sentence)
            open_pause = None
    if open_pause is not None:
        sentences.append(
            f"Clock paused since {fmt_date(open_pause.date())} awaiting the requester: the due date moves "
            "by the business days lost when the requester answers."
        )
    return DueComputation(due.due_date, due.due_at, " ".join(sentences), due.skipped), open_pause


def _apply_pause(
    due: DueComputation, start: datetime, end: datetime, state: str
) -> tuple[DueComputation, str]:
    try:
        moved = extend_by_pause(due.due_date, start, end, state)
    except ValueError as error:
        return due, f"A pause was not counted: {error}"
    return moved, moved.explanation


def compute(demand: LegalDemand) -> tuple[DueComputation, datetime | None]:
    """The demand's current due date from its terms and its deadline history (one query)."""
    events = DeadlineEvent.objects.filter(demand=demand).order_by("at", "pk")
    return replay(terms_of(demand), events)
