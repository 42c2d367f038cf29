"""Prefill from a demand PDF's text: numbered requests, phone numbers and dates, for the user to confirm.

Heuristics only, never trusted: the intake form shows what was found and the user edits it. Requests are
recognised by the usual headings of subpoena riders ("REQUEST NO. 1", "Request 2:", "Specification 3.")
and, failing those, by numbered paragraphs ("1." / "2)") after a heading such as "DOCUMENTS REQUESTED".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import phonenumbers

_HEADING = re.compile(
    r"^\s*(?:request|specification|interrogatory|demand)(?:\s+(?:no\.?|number|#))?\s*(\d{1,3})\s*[:.)\-–]?\s*(.*)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*[.)]\s+(\S.*)$")
_DATE_PATTERNS = (
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), lambda m: date(int(m[1]), int(m[2]), int(m[3]))),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), lambda m: date(int(m[3]), int(m[1]), int(m[2]))),
    (
        re.compile(
            r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
            r"\s+(\d{1,2}),?\s+(\d{4})\b",
            re.IGNORECASE,
        ),
        lambda m: datetime.strptime(f"{m[1].title()} {m[2]} {m[3]}", "%B %d %Y").date(),
    ),
)
_RETURN_HINT = re.compile(r"(return date|on or before|no later than|respond by)", re.IGNORECASE)
_ISSUED_HINT = re.compile(r"(issued|dated|date of issuance)", re.IGNORECASE)


@dataclass
class FoundRequest:
    number: int
    text: str
    phone_numbers: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class Prefill:
    requests: list[FoundRequest]
    phone_numbers: list[str]
    dates: list[date]
    return_date: date | None
    date_issued: date | None

    def as_json(self) -> dict:
        return {
            "requests": [
                {
                    "number": r.number,
                    "text": r.text,
                    "phone_numbers": r.phone_numbers,
                    "date_from": r.date_from.isoformat() if r.date_from else "",
                    "date_to": r.date_to.isoformat() if r.date_to else "",
                }
                for r in self.requests
            ],
            "phone_numbers": self.phone_numbers,
            "dates": [d.isoformat() for d in self.dates],
            "return_date": self.return_date.isoformat() if self.return_date else "",
            "date_issued": self.date_issued.isoformat() if self.date_issued else "",
        }


def find_phone_numbers(text: str) -> list[str]:
    """US numbers in any common format, as E.164, in order of appearance, without repeats."""
    found: list[str] = []
    for match in phonenumbers.PhoneNumberMatcher(text, "US"):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in found:
            found.append(e164)
    return found


def _dates_with_positions(text: str) -> list[tuple[int, date]]:
    found = []
    for pattern, build in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            try:
                found.append((m.start(), build(m)))
            except ValueError:
                continue
    return sorted(found)


def find_dates(text: str) -> list[date]:
    seen: list[date] = []
    for _, d in _dates_with_positions(text):
        if d not in seen:
            seen.append(d)
    return seen


def _date_after_hint(text: str, hint: re.Pattern) -> date | None:
    for m in hint.finditer(text):
        window = text[m.end() : m.end() + 80]
        dates = _dates_with_positions(window)
        if dates:
            return dates[0][1]
    return None


def split_requests(text: str) -> list[FoundRequest]:
    lines = [line.strip() for line in text.splitlines()]
    requests = _collect(lines, _HEADING) or _collect(lines, _NUMBERED)
    for request in requests:
        request.phone_numbers = find_phone_numbers(request.text)
        dates = find_dates(request.text)
        if len(dates) >= 2:
            request.date_from, request.date_to = min(dates), max(dates)
    return requests


def _collect(lines: list[str], pattern: re.Pattern) -> list[FoundRequest]:
    requests: list[FoundRequest] = []
    for line in lines:
        m = pattern.match(line)
        if m and int(m[1]) == len(requests) + 1:
            requests.append(FoundRequest(int(m[1]), m[2].strip()))
        elif requests and line:
            requests[-1].text = f"{requests[-1].text} {line}".strip()
    return [r for r in requests if r.text][:200]


def prefill_from_text(text: str) -> Prefill:
    return Prefill(
        requests=split_requests(text),
        phone_numbers=find_phone_numbers(text),
        dates=find_dates(text),
        return_date=_date_after_hint(text, _RETURN_HINT),
        date_issued=_date_after_hint(text, _ISSUED_HINT),
    )


def normalize_phone(raw: str) -> str:
    """One US phone number in any common format → E.164; ValueError with the reason otherwise."""
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        raise ValueError(f"“{raw}” is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"“{raw}” is not a valid phone number (check the area code and the digit count).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def split_list(raw: str | list) -> list[str]:
    """Comma, semicolon or newline separated text → clean items."""
    items = raw if isinstance(raw, list) else re.split(r"[,;\n]", raw or "")
    return [item.strip() for item in items if str(item).strip()]
