"""Phone numbers in E.164, through `phonenumbers` (Google's libphonenumber)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError


def to_e164(raw: str, *, field: str = "number", region: str = "US") -> str:
    """`+12025550143` from `(202) 555-0143`, `202-555-0143` or `+1 202 555 0143`; a clear error otherwise."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError({field: "Enter a phone number."})
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError({field: f"{text!r} is not a phone number."}) from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationError({field: f"{text!r} has the wrong number of digits for a phone number."})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_e164(raw: str) -> str | None:
    try:
        return to_e164(raw)
    except ValidationError:
        return None
