"""A per-user calendar feed (ICS) of due dates, at a secret URL the user can revoke: the services and the
ICS text (the pages are in `subpoenas/feed_views.py`).

Calendar programs cannot log in, so the URL carries a random token; only its SHA-256 is stored, so the
URL is shown once, when made. Revoking deletes it; making a new one revokes the old. The feed lists only
what `demands_visible_to(feed.user)` lists, for an active user: a deactivated user's feed is empty.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from itg.audit.actions import Action
from itg.audit.services import record
from subpoenas.models import CalendarFeed
from subpoenas.selectors import open_demands_for_calendar


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, by) -> str:
    """A new secret feed URL for the user (the old one stops working); returns the token."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(user=by).delete()
    CalendarFeed.objects.create(user=by, token_hash=_hash(token))
    record(action=Action.CALENDAR_FEED_CREATED, by=by)
    return token


@transaction.atomic
def calendar_feed_revoke(*, by) -> None:
    """End the user's feed: calendar programs polling the old address get 404 from now on."""
    if CalendarFeed.objects.filter(user=by).delete()[0]:
        record(action=Action.CALENDAR_FEED_REVOKED, by=by)


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets are folded (CRLF + space)."""
    out, raw = [], line.encode()
    while len(raw) > 75:
        cut = 75
        while (raw[cut] & 0xC0) == 0x80:  # do not split a UTF-8 character
            cut -= 1
        out.append(raw[:cut].decode())
        raw = b" " + raw[cut:]
    out.append(raw.decode())
    return "\r\n".join(out)


def ics_for(user) -> str:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Industry Traceback Group//ITG Portal//EN",
             "CALSCALE:GREGORIAN", "X-WR-CALNAME:ITG legal demand due dates"]  # fmt: skip
    for d in open_demands_for_calendar(user):
        url = f"{settings.SITE_URL}{d.get_absolute_url()}"
        lines += [
            "BEGIN:VEVENT", f"UID:demand-{d.pk}@itg-portal", f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{d.due_date:%Y%m%d}", f"DTEND;VALUE=DATE:{d.due_date + timedelta(days=1):%Y%m%d}",
            _fold(f"SUMMARY:{_escape(f'Due: {d.tracking_number} {d.notice_caption}')}"),
            _fold(f"DESCRIPTION:{_escape(d.due_explanation)}"), _fold(f"URL:{url}"), "END:VEVENT",
        ]  # fmt: skip
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def calendar_feed_exists(user) -> bool:
    return CalendarFeed.objects.filter(user=user).exists()


@transaction.atomic
def calendar_feed_fetch(token: str) -> str | None:
    """The ICS text behind a feed token, recorded as fetched by its owner; None for an unknown token or a
    deactivated owner (the feed answers 404 to both alike)."""
    feed = CalendarFeed.objects.select_related("user__office").filter(token_hash=_hash(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    record(action=Action.CALENDAR_FEED_FETCHED, by=feed.user)
    return ics_for(feed.user)
