"""Bulk start: one traceback per sample call of a CSV, all from one campaign, in one action.

Every row is validated before anything is written; one bad row refuses the whole file, with the errors of
every row, so that staff fix the file once and nothing is half-started.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from itg.accounts.models import User
from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import is_time_zone
from providers.models import Provider
from tracebacks.models import Campaign, Traceback
from tracebacks.phones import to_e164
from tracebacks.services.tracebacks import require_itg, traceback_create

COLUMNS = ("call_at", "call_tz", "calling_number", "called_number", "terminating_provider", "source")
OPTIONAL = ("transcript", "source_detail")
MAX_ROWS = 5000


class BulkStartError(ValidationError):
    """The file is refused; `errors` lists 'line N: what is wrong' for every bad row."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(errors)


@dataclass
class _Row:
    call_at: datetime
    call_tz: str
    calling_number: str
    called_number: str
    provider_key: str
    source: str
    transcript: str
    source_detail: str


def _parse_time(value: str, tz: str) -> datetime:
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def _clean(line: int, row: dict, now: datetime, errors: list[str]) -> _Row | None:
    g = {k: (v or "").strip() for k, v in row.items() if k}
    problems = []
    tz = g.get("call_tz") or "America/New_York"
    if not is_time_zone(tz):
        problems.append(f"call_tz {tz!r} is not a time zone (e.g. America/Chicago)")
        tz = "UTC"
    try:
        call_at = _parse_time(g.get("call_at", ""), tz)
        if call_at > now:
            problems.append("call_at is in the future")
    except ValueError:
        problems.append(f"call_at {g.get('call_at')!r} is not a date and time like 2026-03-02 14:05")
        call_at = now
    numbers = {}
    for column in ("calling_number", "called_number"):
        try:
            numbers[column] = to_e164(g.get(column, ""), field=column)
        except ValidationError as error:
            problems.append(f"{column}: {error.message_dict[column][0]}")
    if g.get("source") not in Traceback.Source.values:
        problems.append(f"source must be one of {', '.join(Traceback.Source.values)}")
    if not g.get("terminating_provider"):
        problems.append("terminating_provider is empty (give its RMD number or FRN)")
    if problems:
        errors.append(f"line {line}: " + "; ".join(problems))
        return None
    return _Row(call_at, tz, numbers["calling_number"], numbers["called_number"], g["terminating_provider"],
                g["source"], g.get("transcript", ""), g.get("source_detail", ""))  # fmt: skip


def _providers_by_key(keys: set[str]) -> dict[str, Provider]:
    """RMD numbers and FRNs to providers, in one query."""
    frns = {k.zfill(10) for k in keys if k.isdigit()}
    found = Provider.objects.filter(Q(rmd_number__in={k.upper() for k in keys}) | Q(frn__in=frns))
    index: dict[str, Provider] = {}
    for provider in found:
        if provider.rmd_number:
            index[provider.rmd_number] = provider
        if provider.frn:
            index.setdefault(provider.frn, provider)
    return index


def parse(raw: bytes, now: datetime) -> list[tuple[_Row, Provider]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BulkStartError(["The file is not UTF-8 text; save it as CSV (UTF-8)."]) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise BulkStartError([f"The header lacks the column(s): {', '.join(missing)}."])
    errors: list[str] = []
    rows = [(reader.line_num, _clean(reader.line_num, row, now, errors)) for row in reader]
    if not rows:
        raise BulkStartError(["The file has no rows of calls."])
    if len(rows) > MAX_ROWS:
        raise BulkStartError([f"At most {MAX_ROWS} calls per file; split it."])
    providers = _providers_by_key({r.provider_key for _, r in rows if r})
    result = []
    for line, row in rows:
        if row is None:
            continue
        key = row.provider_key.upper() if not row.provider_key.isdigit() else row.provider_key.zfill(10)
        provider = providers.get(key)
        if provider is None:
            errors.append(f"line {line}: no provider with RMD number or FRN {row.provider_key!r}")
        elif provider.is_foreign:
            errors.append(
                f"line {line}: {provider.business_name} is foreign; the terminating provider is a US provider"
            )
        else:
            result.append((row, provider))
    if errors:
        raise BulkStartError(errors)
    return result


@transaction.atomic
def traceback_bulk_start(
    *, by: User, campaign: Campaign, raw: bytes, now: datetime | None = None
) -> list[Traceback]:
    """All or nothing: validate every row, then start one traceback per call."""
    require_itg(by, "start tracebacks")
    now = now or timezone.now()
    rows = parse(raw, now)
    started = [
        traceback_create(
            by=by,
            campaign=campaign,
            call_at=row.call_at,
            call_tz=row.call_tz,
            calling_number=row.calling_number,
            called_number=row.called_number,
            source=row.source,
            terminating_provider=provider,
            transcript=row.transcript,
            source_detail=row.source_detail,
            now=now,
        )  # fmt: skip
        for row, provider in rows
    ]
    record(action=Action.TRACEBACK_BULK_STARTED, by=by, obj=campaign, changes={"started": len(started)})
    return started
