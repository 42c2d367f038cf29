"""Reads of the audit trail. Every read by a person is itself recorded (`audit.viewed`, CJIS AU-9: the
reviewers of the trail are audited too).

The trail grows to tens of millions of rows: pages are keyset pages on `seq` (no OFFSET, no COUNT(*)),
and each filter is an equality on a column indexed together with `seq`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404

from itg.audit.actions import Action
from itg.audit.chain import ROW_FIELDS, format_time
from itg.audit.models import AuditEvent
from itg.audit.services import record

PAGE_SIZE = 50
_EXACT = ("office", "actor_state", "object_state", "action", "outcome", "object_type", "object_id")
_COLUMNS = {"office": "actor_office"}


def events_matching(filters: dict) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    for name in _EXACT:
        if filters.get(name):
            events = events.filter(**{_COLUMNS.get(name, name): filters[name]})
    if email := filters.get("email"):
        # Recorded as typed for failed logins, lower-case for users: both spellings, still one index.
        events = events.filter(actor_email__in={email, email.lower()})
    if filters.get("label"):
        events = events.filter(object_label__icontains=filters["label"])
    if filters.get("since"):
        events = events.filter(at__gte=filters["since"])
    if filters.get("until"):
        events = events.filter(at__lt=filters["until"])
    return events


def describe(filters: dict) -> str:
    """The filters as a query string, for the record of who searched for what."""
    return urlencode({k: format_time(v) if hasattr(v, "tzinfo") else v for k, v in sorted(filters.items())})


@dataclass
class EventPage:
    events: list[AuditEvent]
    newer: int | None  # pass as ?after= for the page of newer events
    older: int | None  # pass as ?before= for the page of older events


def keyset_page(events: QuerySet[AuditEvent], *, before: int | None, after: int | None) -> EventPage:
    """One page, newest first, fetched by seq bounds: the same cost on page 1 and page 100,000."""
    if after is not None:
        rows = list(events.filter(seq__gt=after).order_by("seq")[: PAGE_SIZE + 1])
        more_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        return EventPage(rows, rows[0].seq if more_newer else None, rows[-1].seq if rows else after + 1)
    page = events.filter(seq__lt=before) if before is not None else events
    rows = list(page.order_by("-seq")[: PAGE_SIZE + 1])
    more_older = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    newer = (rows[0].seq if rows else before - 1) if before is not None else None
    return EventPage(rows, newer, rows[-1].seq if more_older else None)


def trail_page_for(user, filters: dict, *, before: int | None, after: int | None) -> EventPage:
    """Auditors and ITG administrators: a page of the whole trail; the search itself is recorded."""
    record(
        action=Action.AUDIT_VIEWED,
        by=user,
        object_type="audit.trail",
        label="audit trail search",
        reason=describe(
            {**filters, **({"before": before} if before else {}), **({"after": after} if after else {})}
        ),
    )
    return keyset_page(events_matching(filters), before=before, after=after)


def latest_events_for(user, count: int = 20) -> list[AuditEvent]:
    """The auditor's home page: the latest events, and that look recorded like any other."""
    record(action=Action.AUDIT_VIEWED, by=user, object_type="audit.trail", label="latest events (home)")
    return list(AuditEvent.objects.order_by("-seq")[:count])


def event_for(user, seq: int) -> AuditEvent:
    """One event, for its detail page; 404 when there is none. The look is recorded."""
    event = AuditEvent.objects.filter(seq=seq).first()
    record(
        action=Action.AUDIT_VIEWED,
        by=user,
        object_type="audit.auditevent",
        object_id=str(seq),
        label=f"audit event {seq}",
        object_state=event.object_state if event else "",
        reason="" if event else "no such event",
    )
    if event is None:
        raise Http404("No such audit event.")
    return event


def neighbours(event: AuditEvent) -> tuple[AuditEvent | None, bool]:
    """The previous event (to check the link) and whether a next one exists."""
    previous = AuditEvent.objects.filter(seq=event.seq - 1).first() if event.seq > 1 else None
    return previous, AuditEvent.objects.filter(seq=event.seq + 1).exists()


def state_history_for(user, filters: dict, *, before: int | None, after: int | None) -> EventPage:
    """An AG supervisor: who did what to their own state's matters and people (only their state)."""
    state = user.state
    record(
        action=Action.AUDIT_VIEWED,
        by=user,
        object_type="audit.state_history",
        object_id=state,
        label=f"access history of {state}",
        object_state=state,
        reason=describe(filters),
    )
    scoped = {**filters, "object_state": state}
    return keyset_page(events_matching(scoped), before=before, after=after)


def export_rows(user, filters: dict, fmt: str) -> Iterator[tuple]:
    """The filtered events oldest first (so consecutive events can be linked by a verifier), streamed
    through a server-side cursor. The export is recorded before the first row leaves."""
    record(
        action=Action.AUDIT_EXPORTED,
        by=user,
        object_type="audit.trail",
        label=f"audit trail export ({fmt})",
        reason=describe(filters),
        changes={"filter": [None, describe(filters)], "format": [None, fmt]},
    )
    rows = events_matching(filters).order_by("seq").values_list(*ROW_FIELDS)
    return rows.iterator(chunk_size=2000)
