"""Where a number is (its area code's state) and when a call was (local time to UTC), computed the same way
by both import paths of the call store. The E.164 rule itself is `tracebacks.phones`: a row whose number it
does not call valid is rejected.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import geocoder

from itg.calendar import JURISDICTIONS

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
