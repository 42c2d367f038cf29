"""Phone numbers in E.164: the one rule for what a valid number is, wherever a number comes in.

US and Canadian (NANP) numbers are by far the most common; they are normalised by one strict rule, a
compiled regex: ten digits whose area code and exchange start with 2-9, optionally preceded by 1 (and a +).
Everything else goes to `phonenumbers` (Google's libphonenumber, about 13 µs a number), which must call it a
*valid* number. A traceback's numbers, a demand's numbers, both import paths of the call store
(`tracebacks/calls/pgcopy.py` calls the same two functions) and the searches over them agree by construction.
"""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError

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


def e164(raw: str | None) -> str | None:
    """`+12025550143` from `(202) 555-0143`, `202-555-0143` or `+1 202 555 0143`; None for no valid number."""
    return (nanp_e164(raw) or other_e164(raw)) if raw else None


def to_e164(raw: str | None, *, field: str = "number") -> str:
    """As `e164`, for a form or an API: a ValidationError naming `field` and saying why otherwise."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError({field: "Enter a phone number."})
    number = e164(text)
    if number is None:
        raise ValidationError(
            {field: f"“{text}” is not a valid phone number (check the area code and the digit count)."}
        )
    return number
