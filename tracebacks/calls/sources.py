"""Each call data source as a small declaration over the shared pipeline (`pipeline.py`).

A declaration names the columns a file must have, turns one row (a dict of column -> text) into the
fields of a `CallRecord` or raises `RowError` with the reason, and says which column is the source's own
record id (None: the source has no ids, so a row repeated in every field is the duplicate).

Time zones, decided per source (the sources do not say):
* FTC Do Not Call: `Violation_Date` is read as US Eastern time (the FTC's office and publishing time); a
  value with no time part is kept as a date (`date_only`, stored as midnight Eastern). `Created_Date` is
  checked but not stored: it is when the consumer filed, not when the call came.
* FCC complaints: `issue_date` + `issue_time` are the consumer's wall clock, so the zone is the consumer's
  state's (itg.calendar), Eastern when the state is missing; no `issue_time` makes the record `date_only`.
* Honeypots, CDRs: ISO 8601 times with an offset are taken as given; without one, in the zone the
  import names (UTC by default for honeypots; the provider's saved mapping for CDRs).

Every call date, as written, must lie in itg.params' DATE_MIN..DATE_MAX (1900-01-01 to 2199-12-31, the
bounds of every date in the portal): a row outside is rejected saying so (`out_of_range`), before the time
is made UTC, so a year like 9999 never overflows the conversion or the month partition after it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from itg.calendar import JURISDICTIONS, is_time_zone
from itg.params import DATE_MAX, DATE_MIN
from tracebacks.phones import e164

from .models import Source
from .numbers import local_to_utc, state_of_number

SEP = "\x1f"
STRIP = " \t\r\n"
EASTERN = "America/New_York"
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?")


class RowError(Exception):
    """This row cannot be imported; the message says why (it goes to the rejects CSV)."""


@dataclass(frozen=True)
class Declaration:
    slug: str
    source: str
    label: str
    required: tuple[str, ...]
    parse: Callable[[dict, dict], dict]
    record_id: str | None = None
    optional: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("csv",)
    extra_members: bool = False
    options: dict = field(default_factory=dict)

    def dedupe_key(self, record: dict, fields: list[str]) -> str:
        """md5 of source + the source's record id (CDR: + the provider), or of source + every field as
        written when the source has no id. The SQL path computes the same md5(concat_ws(chr(31), ...))."""
        rid = record.get("source_record_id") or ""
        if rid:
            parts = [self.source, "id", str(record.get("provider_id") or ""), rid]
        else:
            parts = [self.source, *fields]
        return hashlib.md5(
            SEP.join(parts).encode("utf-8", "surrogateescape"), usedforsecurity=False
        ).hexdigest()


def q(text: str) -> str:
    """How a value is quoted in a reason (the SQL path writes the same)."""
    return f"'{text}'"


def clean(value: object) -> str:
    return "" if value is None else str(value).strip(STRIP)


def _valid_date(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def out_of_range(column: str, text: str) -> RowError:
    """The reason of a date outside the bounds (the SQL path writes the same words)."""
    return RowError(
        f"{column} {q(text)} is out of range: a call date must be from {DATE_MIN.isoformat()} to "
        f"{DATE_MAX.isoformat()}; correct the year."
    )


def _check_range(day: date, column: str, text: str) -> None:
    if not DATE_MIN <= day <= DATE_MAX:
        raise out_of_range(column, text)


def iso_local(value: str, column: str) -> tuple[datetime, bool] | None:
    """'YYYY-MM-DD[ HH:MM[:SS]]' -> (naive local time, date_only); None when blank; RowError if bad."""
    text = clean(value)
    if not text:
        return None
    match = _ISO.fullmatch(text)
    if match:
        y, m, d, hh, mi, ss = (int(g) if g else None for g in match.groups())
        if _valid_date(y, m, d) and (hh is None or (hh <= 23 and mi <= 59 and (ss or 0) <= 59)):
            _check_range(date(y, m, d), column, text)
            return datetime(y, m, d, hh or 0, mi or 0, ss or 0), hh is None
    raise RowError(f"{column} {q(text)} is not a date and time (expected e.g. 2026-03-05 00:03:04).")


def _number(value: str, column: str, *, required: bool = True) -> tuple[str, str]:
    raw = clean(value)
    if not raw:
        if required:
            raise RowError(f"{column} is blank.")
        return "", ""
    number = e164(raw)
    if not number:
        raise RowError(f"{column} {q(raw)} is not a valid phone number.")
    return number, raw[:40]


def _state(value: str, column: str) -> str:
    state = clean(value).upper()
    if state and state not in JURISDICTIONS:
        raise RowError(f"{column} {q(clean(value))} is not a US state or territory code.")
    return state


# --- FTC Do Not Call reported calls -------------------------------------------------------------------

FTC_COLUMNS = (
    "Company_Phone_Number", "Created_Date", "Violation_Date", "Consumer_City", "Consumer_State",
    "Consumer_Area_Code", "Subject", "Recorded_Message_Or_Robocall",
)  # fmt: skip


def parse_ftc(v: dict, options: dict) -> dict:
    """The checks run in this order in both paths (`pgcopy.FTC_REASON_SQL` mirrors them)."""
    calling, calling_raw = _number(v["Company_Phone_Number"], "Company_Phone_Number")
    when = iso_local(v["Violation_Date"], "Violation_Date")
    if when is None:
        raise RowError("Violation_Date is blank.")
    iso_local(v["Created_Date"], "Created_Date")
    state = _state(v["Consumer_State"], "Consumer_State")
    area = clean(v["Consumer_Area_Code"])
    if area and not re.fullmatch(r"[2-9][0-9][0-9]", area):
        raise RowError(f"Consumer_Area_Code {q(area)} is not a three-digit area code.")
    flag = clean(v["Recorded_Message_Or_Robocall"]).upper()
    if flag not in {"Y", "N", ""}:
        raise RowError(
            f"Recorded_Message_Or_Robocall {clean(v['Recorded_Message_Or_Robocall'])!r} is not Y or N."
        )
    from .numbers import area_code_states

    return {
        "call_at": local_to_utc(when[0], EASTERN), "call_tz": EASTERN, "date_only": when[1],
        "calling_number": calling, "calling_number_raw": calling_raw,
        "consumer_city": clean(v["Consumer_City"])[:100], "consumer_state": state, "consumer_area_code": area,
        "called_state": state or area_code_states().get(area, ""), "subject": clean(v["Subject"])[:200],
        "robocall": {"Y": True, "N": False}.get(flag),
    }  # fmt: skip


# --- FCC consumer complaints (unwanted calls) ---------------------------------------------------------

FCC_COLUMNS = ("id", "issue_date", "caller_id_number")
FCC_OPTIONAL = (
    "ticket_created", "date_created", "issue_time", "issue_type", "method", "issue", "type_of_call_or_messge",
    "advertiser_business_phone_number", "city", "state", "zip", "location_1",
)  # fmt: skip
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?\s*([ap]\.?m\.?)?", re.I)


def _fcc_date(value: str) -> date:
    text = clean(value)
    match = _US_DATE.fullmatch(text)
    if match:
        m, d, y = (int(g) for g in match.groups())
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}(T00:00:00(\.000)?)?", text):
        y, m, d = int(text[:4]), int(text[5:7]), int(text[8:10])
    else:
        raise RowError(f"issue_date {text!r} is not a date (expected e.g. 2026-03-05 or 03/05/2026)." if text
                       else "issue_date is blank.")  # fmt: skip
    if not _valid_date(y, m, d):
        raise RowError(f"issue_date {text!r} is not a date.")
    _check_range(date(y, m, d), "issue_date", text)
    return date(y, m, d)


def _fcc_time(value: str) -> tuple[int, int] | None:
    text = clean(value)
    if not text:
        return None
    match = _CLOCK.fullmatch(text)
    if not match:
        raise RowError(f"issue_time {text!r} is not a time of day (expected e.g. 1:00 pm).")
    hour, minute, half = int(match[1]), int(match[2]), (match[3] or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise RowError(f"issue_time {text!r} is not a time of day.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise RowError(f"issue_time {text!r} is not a time of day.")
    return hour, minute


def _robocall_kind(kind: str, issue: str) -> bool | None:
    text = f"{kind} {issue}".lower()
    if "prerecorded" in text or "robocall" in text or "artificial" in text:
        return True
    if "live voice" in text:
        return False
    return None


def parse_fcc(v: dict, options: dict) -> dict:
    from itg.calendar import tz_for

    caller = clean(v.get("caller_id_number")) or clean(v.get("advertiser_business_phone_number"))
    column = "caller_id_number" if clean(v.get("caller_id_number")) else "advertiser_business_phone_number"
    if not caller:
        raise RowError("caller_id_number and advertiser_business_phone_number are both blank.")
    calling, calling_raw = _number(caller, column)
    day, clock = _fcc_date(v["issue_date"]), _fcc_time(v.get("issue_time", ""))
    state = _state(v.get("state", ""), "state")
    zone = tz_for(state).key if state else EASTERN
    naive = datetime(day.year, day.month, day.day, *(clock or (0, 0)))
    zip_code = clean(v.get("zip"))[:10]
    return {
        "source_record_id": clean(v["id"])[:100], "call_at": local_to_utc(naive, zone), "call_tz": zone,
        "date_only": clock is None, "calling_number": calling, "calling_number_raw": calling_raw,
        "consumer_city": clean(v.get("city"))[:100].title(), "consumer_state": state, "consumer_zip": zip_code,
        "called_state": state, "subject": clean(v.get("issue"))[:200],
        "robocall": _robocall_kind(clean(v.get("type_of_call_or_messge")), clean(v.get("issue"))),
    }  # fmt: skip


# --- Honeypots and recordings ---------------------------------------------------------------------------

HONEYPOT_COLUMNS = ("call_time", "calling_number", "called_number")
HONEYPOT_OPTIONAL = ("id", "transcript", "recording", "time_zone")


def aware_time(value: str, column: str, zone: str) -> tuple[datetime, str]:
    text = clean(value)
    if not text:
        raise RowError(f"{column} is blank.")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise RowError(
            f"{column} {text!r} is not an ISO 8601 time (e.g. 2026-03-05T14:03:00-05:00)."
        ) from None
    _check_range(moment.date(), column, text)  # as written: its UTC form may not exist (year 9999)
    if moment.tzinfo is None:
        return local_to_utc(moment, zone), zone
    return moment.astimezone(UTC), zone


def parse_honeypot(v: dict, options: dict) -> dict:
    zone = clean(v.get("time_zone")) or options.get("time_zone", "UTC")
    if not is_time_zone(zone):
        raise RowError(f"time_zone {zone!r} is not a time zone (e.g. America/Chicago).")
    call_at, zone = aware_time(v["call_time"], "call_time", zone)
    calling, calling_raw = _number(v["calling_number"], "calling_number")
    called, called_raw = _number(v["called_number"], "called_number")
    return {
        "source_record_id": clean(v.get("id"))[:100], "call_at": call_at, "call_tz": zone,
        "calling_number": calling, "calling_number_raw": calling_raw, "called_number": called,
        "called_number_raw": called_raw, "called_state": state_of_number(called),
        "transcript": clean(v.get("transcript")), "robocall": True, "_recording": clean(v.get("recording")),
    }  # fmt: skip


# --- Provider CDRs (a saved mapping per provider: field -> the provider's column name) -----------------

CDR_FIELDS = ("call_time", "calling_number", "called_number", "from_provider", "to_provider", "record_id")
CDR_REQUIRED_FIELDS = ("call_time", "calling_number", "called_number")


def parse_cdr(v: dict, options: dict) -> dict:
    mapping, zone = options["mapping"], options.get("time_zone", "UTC")

    def col(name: str) -> str:
        return v.get(mapping.get(name) or "", "")

    call_at, zone = aware_time(col("call_time"), mapping["call_time"], zone)
    calling, calling_raw = _number(col("calling_number"), mapping["calling_number"])
    called, called_raw = _number(col("called_number"), mapping["called_number"])
    return {
        "source_record_id": clean(col("record_id"))[:100], "call_at": call_at, "call_tz": zone,
        "calling_number": calling, "calling_number_raw": calling_raw, "called_number": called,
        "called_number_raw": called_raw, "called_state": state_of_number(called),
        "from_provider": clean(col("from_provider"))[:200], "to_provider": clean(col("to_provider"))[:200],
        "provider_id": options.get("provider_id"),
    }  # fmt: skip


# --- STIR/SHAKEN: one Identity header value or bare token per line, or a CSV with an `identity` column ---


def parse_shaken(v: dict, options: dict) -> dict:
    from .shaken import passport_record

    if "_certificates" not in options:  # loaded once per run, not per token
        from .shaken import loaded_certificates

        options["_certificates"] = loaded_certificates()
    return passport_record(clean(v["identity"]), options["_certificates"])


DECLARATIONS: dict[str, Declaration] = {
    d.slug: d
    for d in (
        Declaration("ftc-dnc", Source.FTC_DNC, "FTC Do Not Call reported calls", FTC_COLUMNS, parse_ftc),
        Declaration("fcc-complaints", Source.FCC_COMPLAINT, "FCC consumer complaints (unwanted calls)",
                    FCC_COLUMNS, parse_fcc, record_id="id", optional=FCC_OPTIONAL, formats=("csv", "json", "jsonl")),
        Declaration("transcripts", Source.HONEYPOT, "Honeypot transcripts and recordings", HONEYPOT_COLUMNS,
                    parse_honeypot, record_id="id", optional=HONEYPOT_OPTIONAL, formats=("csv", "jsonl"),
                    extra_members=True),
        Declaration("cdr", Source.CDR, "Provider call detail records", (), parse_cdr, record_id="record_id"),
        Declaration("shaken", Source.SHAKEN, "STIR/SHAKEN Identity headers or PASSporTs", ("identity",),
                    parse_shaken, formats=("csv", "lines")),
    )
}  # fmt: skip
BY_SOURCE = {d.source: d for d in DECLARATIONS.values()}
