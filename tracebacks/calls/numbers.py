"""Phone numbers and times as the call store keeps them, computed the same way by both import paths.

US and Canadian (NANP) numbers are by far the most common; they are normalised by one strict rule that
SQL can apply too (`NANP_SQL` in `pgcopy.py` is the same rule): ten digits whose area code and exchange
start with 2-9, optionally preceded by 1 (and a +). Everything else goes to `phonenumbers` (about 13 µs a
number), which must call it a *valid* number, or the row is rejected. So the Python path and the
PostgreSQL path give identical E.164 strings by construction.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import geocoder

from itg.calendar import JURISDICTIONS

_NON_DIGITS = re.compile(r"[^0-9]")  # ASCII only, as in SQL: \d would take other scripts' digits
_NANP10 = re.compile(r"[2-9][0-9]{2}[2-9][0-9]{6}")
_NANP11 = re.compile(r"1[2-9][0-9]{2}[2-9][0-9]{6}")


def nanp_e164(raw: str) -> str | None:
    """The strict NANP rule alone (mirrored in SQL); None when the number is not NANP-shaped."""
    text = raw.strip(" \t\r\n")
    digits = _NON_DIGITS.sub("", text)
    if not text.startswith("+") and _NANP10.fullmatch(digits):
        return "+1" + digits
    if _NANP11.fullmatch(digits):
        return "+" + digits
    return None


def other_e164(raw: str) -> str | None:
    """The fallback for what the NANP rule does not classify: `phonenumbers`, valid numbers only."""
    text = raw.strip(" \t\r\n")
    if not text or not any(c.isdigit() for c in text):
        return None
    if text.startswith("011"):
        text = "+" + text[3:]  # the US international call prefix, as consumers often write it
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def e164(raw: str) -> str | None:
    return nanp_e164(raw) or other_e164(raw)


_STATE_BY_NAME = {name.lower(): code for code, (name, _zone) in JURISDICTIONS.items()}
_STATE_BY_NAME |= {"washington d.c.": "DC", "washington, d.c.": "DC", "u.s. virgin islands": "VI"}


def _state_from_description(text: str) -> str:
    if ", " in text and len(text.rsplit(", ", 1)[1]) == 2:
        code = text.rsplit(", ", 1)[1]
        return code if code in JURISDICTIONS else ""
    return _STATE_BY_NAME.get(text.lower(), "")


@lru_cache(maxsize=1)
def area_code_states() -> dict[str, str]:
    """NANP area code -> US state or territory code, from libphonenumber's geocoding data."""
    states = {}
    for npa in range(200, 1000):
        for exchange in ("2345678", "5550100", "8675309"):
            number = phonenumbers.parse(f"+1{npa}{exchange}")
            state = _state_from_description(geocoder.description_for_number(number, "en"))
            if state:
                states[str(npa)] = state
                break
    return states


def state_of_number(e164_number: str) -> str:
    if e164_number.startswith("+1") and len(e164_number) == 12:
        return area_code_states().get(e164_number[2:5], "")
    return ""


def local_to_utc(naive: datetime, zone: str) -> datetime:
    """A wall-clock time in `zone` as UTC, resolved as PostgreSQL's `AT TIME ZONE` resolves it: an
    ambiguous time (the repeated hour in November) as standard time, a skipped one (March) with the
    offset before the change. Both import paths must agree to the second."""
    tz = ZoneInfo(zone)
    first, second = naive.replace(tzinfo=tz), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return (first if round_trip != naive else second).astimezone(UTC)
