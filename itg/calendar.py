"""Business days, state holidays and time zones: the calendar behind legal deadlines and the 24-hour clock.

Two clocks run in the portal and both live here, so that every deadline is computed (and explained) once:

* **Legal demands** (subpoenas, civil investigative demands) from an attorney general fall due on a date in the
  issuing jurisdiction. We count on the union of the US federal holidays and the issuing state's or
  territory's own holidays, and end the day at midnight in the time zone of the AG's office.
* **Traceback hops** must be answered within 24 hours under 47 CFR 64.1200(n)(1), counted on the federal
  calendar in the local time of the responding provider's office (see `hop_due_at`).

Every datetime that enters or leaves this module is timezone-aware; dates are local calendar dates of the
jurisdiction. Nothing here touches the database, so it can be imported anywhere (`itg` imports no app).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, available_timezones

import holidays

from itg.params import DATE_MAX, DATE_MIN

FEDERAL = "US"
"""Pseudo-jurisdiction: the federal calendar alone (Monday to Friday minus federal holidays)."""

# code -> (name, IANA zone of the seat of the attorney general's office).
JURISDICTIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "AL": ("Alabama", "America/Chicago"),
        "AK": ("Alaska", "America/Anchorage"),
        "AZ": ("Arizona", "America/Phoenix"),
        "AR": ("Arkansas", "America/Chicago"),
        "CA": ("California", "America/Los_Angeles"),
        "CO": ("Colorado", "America/Denver"),
        "CT": ("Connecticut", "America/New_York"),
        "DE": ("Delaware", "America/New_York"),
        "DC": ("District of Columbia", "America/New_York"),
        "FL": ("Florida", "America/New_York"),  # Tallahassee is on Eastern time.
        "GA": ("Georgia", "America/New_York"),
        "HI": ("Hawaii", "Pacific/Honolulu"),
        "ID": ("Idaho", "America/Boise"),
        "IL": ("Illinois", "America/Chicago"),
        "IN": ("Indiana", "America/Indiana/Indianapolis"),
        "IA": ("Iowa", "America/Chicago"),
        "KS": ("Kansas", "America/Chicago"),
        "KY": ("Kentucky", "America/New_York"),  # Frankfort is on Eastern time.
        "LA": ("Louisiana", "America/Chicago"),
        "ME": ("Maine", "America/New_York"),
        "MD": ("Maryland", "America/New_York"),
        "MA": ("Massachusetts", "America/New_York"),
        "MI": ("Michigan", "America/Detroit"),
        "MN": ("Minnesota", "America/Chicago"),
        "MS": ("Mississippi", "America/Chicago"),
        "MO": ("Missouri", "America/Chicago"),
        "MT": ("Montana", "America/Denver"),
        "NE": ("Nebraska", "America/Chicago"),
        "NV": ("Nevada", "America/Los_Angeles"),
        "NH": ("New Hampshire", "America/New_York"),
        "NJ": ("New Jersey", "America/New_York"),
        "NM": ("New Mexico", "America/Denver"),
        "NY": ("New York", "America/New_York"),
        "NC": ("North Carolina", "America/New_York"),
        "ND": ("North Dakota", "America/Chicago"),  # Bismarck is on Central time.
        "OH": ("Ohio", "America/New_York"),
        "OK": ("Oklahoma", "America/Chicago"),
        "OR": ("Oregon", "America/Los_Angeles"),
        "PA": ("Pennsylvania", "America/New_York"),
        "RI": ("Rhode Island", "America/New_York"),
        "SC": ("South Carolina", "America/New_York"),
        "SD": ("South Dakota", "America/Chicago"),  # Pierre is on Central time.
        "TN": ("Tennessee", "America/Chicago"),
        "TX": ("Texas", "America/Chicago"),
        "UT": ("Utah", "America/Denver"),
        "VT": ("Vermont", "America/New_York"),
        "VA": ("Virginia", "America/New_York"),
        "WA": ("Washington", "America/Los_Angeles"),
        "WV": ("West Virginia", "America/New_York"),
        "WI": ("Wisconsin", "America/Chicago"),
        "WY": ("Wyoming", "America/Denver"),
        "PR": ("Puerto Rico", "America/Puerto_Rico"),
        "GU": ("Guam", "Pacific/Guam"),
        "VI": ("U.S. Virgin Islands", "America/St_Thomas"),
        "AS": ("American Samoa", "Pacific/Pago_Pago"),
        "MP": ("Northern Mariana Islands", "Pacific/Saipan"),
    }
)

# Words for a zone in an explanation sentence ("Central time"); the abbreviation (CST/CDT) is added at use.
_ZONE_WORDS = {
    "America/New_York": "Eastern",
    "America/Detroit": "Eastern",
    "America/Indiana/Indianapolis": "Eastern",
    "America/Chicago": "Central",
    "America/Denver": "Mountain",
    "America/Boise": "Mountain",
    "America/Phoenix": "Mountain",
    "America/Los_Angeles": "Pacific",
    "America/Anchorage": "Alaska",
    "Pacific/Honolulu": "Hawaii",
    "America/Puerto_Rico": "Atlantic",
    "America/St_Thomas": "Atlantic",
    "Pacific/Guam": "Chamorro",
    "Pacific/Saipan": "Chamorro",
    "Pacific/Pago_Pago": "Samoa",
}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Skipped = tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class DueComputation:
    """A deadline with the reasons behind it, so staff and the issuing office can check the arithmetic.

    `due_at` is the last instant of `due_date` in the jurisdiction's zone (23:59:59.999999 local), in UTC.
    `skipped` lists the holidays (date, annotated name) that moved the date.
    """

    due_date: date
    due_at: datetime
    explanation: str
    skipped: Skipped


# ---------------------------------------------------------------------------------------------------------
# Jurisdictions and zones


def jurisdiction_choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name, for a Django `choices=` on an issuing-state field."""
    return sorted(((code, name) for code, (name, _) in JURISDICTIONS.items()), key=lambda pair: pair[1])


def _check_code(code: str) -> str:
    if code != FEDERAL and code not in JURISDICTIONS:
        raise ValueError(f"Unknown jurisdiction {code!r}: expected one of the 56 AG jurisdictions.")
    return code


@lru_cache(maxsize=128)
def tz_for(code: str) -> ZoneInfo:
    """The time zone of the attorney general's office of `code`: the zone a due date ends in."""
    if code not in JURISDICTIONS:
        raise ValueError(f"Unknown jurisdiction {code!r}: expected one of the 56 AG jurisdictions.")
    return ZoneInfo(JURISDICTIONS[code][1])


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA zone name: the portal's one test of a zone given by a user or a file.
    (ZoneInfo itself raises one of several errors for a bad name, some only when the name looks like a
    path: 'America' is a folder and raised IsADirectoryError, a server error.)"""
    return name in _zone_names()


def _zone(tz: ZoneInfo | str) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _aware(moment: datetime, what: str) -> datetime:
    # A naive datetime would silently be read in the server's zone: refuse it rather than guess.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment.isoformat()}.")
    return moment


# ---------------------------------------------------------------------------------------------------------
# Holidays


@lru_cache(maxsize=4096)  # 57 calendars x decades of years; bounded all the same
def _closed_days(code: str, year: int) -> Mapping[date, str]:
    """Federal holidays of `year` plus, for a state or territory, its own holidays annotated "(TX)".

    Source: the `holidays` package, **default (public) category only**. `holidays.US()` without a
    subdivision is the federal calendar of 5 U.S.C. 6103 (what OPM publishes), including the Friday/Monday
    on which a weekend holiday is observed. One-off closures by executive order (24 December 2024,
    9 January 2025) sit in the package's "government" category and are deliberately left out, as are its
    "unofficial" days; a state day the package does list as public (e.g. Good Friday and Cesar Chavez Day
    in TX) counts even where state law makes it optional for state offices. The five territories are
    subdivisions of `holidays.US` (PR, GU, VI, AS, MP), so states and territories are handled alike.
    On a date that is both, the federal name is kept.
    """
    days = dict(holidays.US(years=year))
    if code != FEDERAL:
        for day, name in holidays.US(subdiv=code, years=year).items():
            days.setdefault(day, f"{name} ({code})")
    return MappingProxyType(days)


def holidays_for(code: str, years: int | Iterable[int]) -> dict[date, str]:
    """{date: name} of the days the issuing office's deadlines skip, for one or several years.

    Federal holidays keep their plain name ("Thanksgiving Day"); state or territory days carry the code
    ("Good Friday (TX)"). Pass `FEDERAL` for the federal calendar alone. Results are cached per (code, year).
    """
    _check_code(code)
    merged: dict[date, str] = {}
    for year in [years] if isinstance(years, int) else years:
        merged.update(_closed_days(code, year))
    return dict(sorted(merged.items()))


def holiday_name(d: date, code: str) -> str | None:
    """The holiday falling on `d` in `code`'s calendar, or None."""
    return _closed_days(_check_code(code), d.year).get(d)


# ---------------------------------------------------------------------------------------------------------
# Business days


def is_business_day(d: date, code: str) -> bool:
    """Monday to Friday and no federal or `code` holiday: a day the office counts and can receive on."""
    return d.weekday() < 5 and d not in _closed_days(_check_code(code), d.year)


def next_business_day(d: date, code: str) -> date:
    """The first business day strictly after `d`."""
    d += timedelta(days=1)
    while not is_business_day(d, code):
        d += timedelta(days=1)
    return d


def business_days_in(first: date, stop: date, code: str) -> int:
    """How many business days lie from `first` (inclusive) to `stop` (exclusive); 0 when `stop` <= `first`."""
    return sum(1 for k in range((stop - first).days) if is_business_day(first + timedelta(days=k), code))


def business_days_until(today: date, due: date, code: str) -> int:
    """Business days from `today` (exclusive) to `due` (inclusive): 0 on the due date itself, 1 the business
    day before it (what the deadline reminders count down)."""
    return business_days_in(today + timedelta(days=1), due + timedelta(days=1), code)


def _roll_forward(d: date, code: str) -> tuple[date, Skipped]:
    """`d` if it is a business day, else the next one, with the holidays passed over (weekends implied)."""
    skipped: list[tuple[date, str]] = []
    while not is_business_day(d, code):
        if name := holiday_name(d, code):
            skipped.append((d, name))
        d += timedelta(days=1)
    return d, tuple(skipped)


def _count_business_days(start: date, n: int, code: str) -> tuple[date, Skipped]:
    """The n-th business day after `start`, with the weekday holidays that were not counted."""
    skipped: list[tuple[date, str]] = []
    d = start
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() >= 5:
            continue
        if name := _closed_days(code, d.year).get(d):
            skipped.append((d, name))
        else:
            n -= 1
    return d, tuple(skipped)


# Deadline arithmetic is defined on DATE_MIN..DATE_MAX (itg.params): `date` ends in year 9999, and a
# period from a far date would run past it (OverflowError) or walk holidays for centuries. Periods beyond
# ten years are no legal demand's terms.
MAX_PERIOD_DAYS = 3660


def _check_period(start: date, n: int, what: str) -> None:
    if not DATE_MIN <= start <= DATE_MAX:
        raise ValueError(
            f"Dates must lie between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}, got {start.isoformat()}."
        )
    if n < 0:
        raise ValueError(f"{what} to add must be zero or more, got {n}.")
    if n > MAX_PERIOD_DAYS:
        raise ValueError(f"{what} to add must be at most {MAX_PERIOD_DAYS}, got {n}.")


def add_business_days(start: date, n: int, code: str) -> DueComputation:
    """Due date `n` business days after `start` (the day of service is not counted).

    Weekends and the federal and `code` holidays are not counted; the weekday holidays passed are returned
    in `skipped` so the explanation can name them. With n = 0 the due date is `start` itself, moved to the
    next business day if needed.
    """
    _check_code(code)
    _check_period(start, n, "Business days")
    if n == 0:
        return due_from_return_date(start, code)
    due, skipped = _count_business_days(start, n, code)
    because = f"skipping {_list_days(skipped)}" if skipped else "no holiday in between"
    sentence = f"{n} business day{'s' if n != 1 else ''} from {fmt_date(start)}, {because}"
    return _computation(due, code, sentence, skipped)


def add_calendar_days(start: date, n: int, code: str) -> DueComputation:
    """Due date `n` calendar days after `start`; a weekend or holiday landing moves to the next business day.

    This is the usual rule for "within 30 days of service": the days are counted straight through, and only
    the last one is moved when the office is closed on it.
    """
    _check_code(code)
    _check_period(start, n, "Calendar days")
    landing = start + timedelta(days=n)
    due, skipped = _roll_forward(landing, code)
    sentence = f"{n} calendar day{'s' if n != 1 else ''} from {fmt_date(start)}"
    if due != landing:
        sentence += f" end on {_weekday_date(landing)}, {_closure_note(landing, due, skipped)}"
    return _computation(due, code, sentence, skipped)


def due_from_return_date(return_date: date, code: str) -> DueComputation:
    """A demand's fixed return date, moved to the next business day when the office is closed on it."""
    _check_period(return_date, 0, "Days")
    due, skipped = _roll_forward(return_date, _check_code(code))
    sentence = f"Return date {_weekday_date(return_date)}"
    if due != return_date:
        sentence += f" falls {_closure_note(return_date, due, skipped)}"
    return _computation(due, code, sentence, skipped)


def extend_by_pause(due: date, paused_from: datetime, resumed_at: datetime, code: str) -> DueComputation:
    """Move a due date on by the business days the clock stood still (e.g. awaiting the issuing office).

    Rule, kept simple on purpose: the pause is read in the jurisdiction's local dates; every business day
    from the day the clock was paused, *inclusive*, to the day it resumed, *exclusive*, is added back as
    business days after `due`. So a pause begun at any hour of a business day gives that day back, resuming
    at any hour gives nothing back for the day of resumption, and a pause opened and closed on the same
    day gives nothing. A pause that starts after `due` is refused: the deadline had already passed.
    """
    zone = tz_for(code)
    start = _aware(paused_from, "paused_from").astimezone(zone).date()
    end = _aware(resumed_at, "resumed_at").astimezone(zone).date()
    if resumed_at < paused_from:
        raise ValueError("The clock cannot resume before it was paused.")
    if start > due:
        raise ValueError(f"The clock was paused on {fmt_date(start)}, after the due date {fmt_date(due)}.")
    lost = business_days_in(start, end, code)
    moved, skipped = _count_business_days(due, lost, code) if lost else (due, ())
    sentence = (
        f"Clock paused from {fmt_date(start)} to {fmt_date(end)} ({lost} business "
        f"day{'s' if lost != 1 else ''}): due date {fmt_date(due)} moved by as many business days"
    )
    if skipped:
        sentence += f", skipping {_list_days(skipped)}"
    return _computation(moved, code, sentence, skipped)


def end_of_day(d: date, code: str) -> datetime:
    """The last instant of `d` in the AG office's zone, in UTC: when a deadline on `d` passes."""
    return datetime.combine(d, time.max, tzinfo=tz_for(code)).astimezone(UTC)


# ---------------------------------------------------------------------------------------------------------
# Explanations


def fmt_date(d: date) -> str:
    """'2 March 2026': unambiguous for readers on both sides of the Atlantic, independent of locale."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _weekday_date(d: date) -> str:
    return f"{_WEEKDAYS[d.weekday()]} {fmt_date(d)}"


def _list_days(days: Skipped) -> str:
    return "; ".join(f"{fmt_date(d)}, {name}" for d, name in days)


def _closure_note(landing: date, due: date, skipped: Skipped) -> str:
    """The tail of a sentence: 'when the office is closed (<holidays>; the weekend); moved to <day>'."""
    reasons = [f"{fmt_date(d)}, {name}" for d, name in skipped]
    days = (landing + timedelta(days=k) for k in range((due - landing).days))
    if any(d.weekday() >= 5 and d not in dict(skipped) for d in days):
        reasons.append("the weekend")
    return f"when the office is closed ({'; '.join(reasons)}); moved to {_weekday_date(due)}"


def _zone_label(code: str, due_at: datetime) -> str:
    zone = tz_for(code)
    words = _ZONE_WORDS.get(zone.key, zone.key)
    return f"{words} time ({due_at.astimezone(zone).tzname()})"


def _computation(due: date, code: str, sentence: str, skipped: Skipped) -> DueComputation:
    due_at = end_of_day(due, code)
    explanation = f"{sentence}; due {fmt_date(due)} at the end of the day, {_zone_label(code, due_at)}."
    return DueComputation(due_date=due, due_at=due_at, explanation=explanation, skipped=skipped)


# ---------------------------------------------------------------------------------------------------------
# The 24-hour traceback clock, 47 CFR 64.1200(n)(1)
#
# Text of the rule, from the eCFR as last amended at 88 FR 43458 (10 July 2023: the Seventh Report and Order,
# FCC 23-37, CG Docket 17-59; in force since 8 January 2024):
#   "the provider must fully respond to the traceback request within 24 hours of receipt of the request.
#   The 24-hour clock does not start outside of business hours, and requests received during that time are
#   deemed received at 8 a.m. on the next business day. If the 24-hour response period would end on a
#   non-business day, either a weekend or a Federal legal holiday, the 24-hour clock does not run for the
#   weekend or holiday in question, and restarts at 12:01 a.m. on the next business day following when the
#   request would otherwise be due. For example, a request received at 3 p.m. on a Friday will be due at
#   3 p.m. on the following Monday, assuming that Monday is not a Federal legal holiday. [...] business day
#   is defined as Monday through Friday, excluding Federal legal holidays, and business hours is defined as
#   8 a.m. to 5:30 p.m. on a business day. [...] all times are local time for the office that is required
#   to respond to the request."

OPENS = time(8, 0)
CLOSES = time(17, 30)
TRACEBACK_WINDOW = timedelta(hours=24)
DEFAULT_PROVIDER_TZ = "America/New_York"


def _local_start(d: date, zone: ZoneInfo, at: time = time(0)) -> datetime:
    return datetime.combine(d, at, tzinfo=zone)


def effective_receipt(asked_at: datetime, tz: ZoneInfo | str = DEFAULT_PROVIDER_TZ) -> datetime:
    """When the 24-hour clock starts for a traceback request sent at `asked_at` (returned in UTC).

    Inside business hours (8:00 to 17:30 local, Monday to Friday, no federal holiday) that is `asked_at`.
    Otherwise the request is deemed received at 8:00 on the next business day, 47 CFR 64.1200(n)(1).
    Read "next business day" as the next business-day opening: a request at 6:00 on a Tuesday counts from
    8:00 that Tuesday, not Wednesday. 17:30:00 itself is outside (the window is [8:00, 17:30)).
    `tz` is the zone of the provider's responding office; Eastern when we do not know it.
    """
    zone = _zone(tz)
    local = _aware(asked_at, "asked_at").astimezone(zone)
    day, clock = local.date(), local.time().replace(tzinfo=None)
    if is_business_day(day, FEDERAL) and OPENS <= clock < CLOSES:
        return asked_at.astimezone(UTC)
    if not (is_business_day(day, FEDERAL) and clock < OPENS):
        day = next_business_day(day, FEDERAL)
    return _local_start(day, zone, OPENS).astimezone(UTC)


def hop_due_at(asked_at: datetime, tz: ZoneInfo | str = DEFAULT_PROVIDER_TZ) -> datetime:
    """When a provider's answer to a traceback hop falls due under 47 CFR 64.1200(n)(1), in UTC.

    24 elapsed hours from `effective_receipt`. If they would end on a weekend or federal holiday, the clock
    stops at local midnight beginning that day and the hours left run from the start of the next business
    day. The rule says the clock restarts at "12:01 a.m." but its own example (Friday 3 p.m. -> Monday
    3 p.m.) counts from midnight; we follow the example. Hours are real elapsed hours (UTC arithmetic), so a
    daylight-saving change is handled; in US zones it falls on a Sunday, when the clock never runs, which
    keeps the due time at the same local hour as the receipt.
    """
    zone = _zone(tz)
    start = effective_receipt(asked_at, zone)
    end = start + TRACEBACK_WINDOW
    end_day = end.astimezone(zone).date()
    if is_business_day(end_day, FEDERAL):
        return end
    stopped = _local_start(end_day, zone).astimezone(UTC)
    restart = _local_start(next_business_day(end_day, FEDERAL), zone).astimezone(UTC)
    return restart + (end - stopped)
