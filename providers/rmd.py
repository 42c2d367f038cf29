"""Import of the FCC's Robocall Mitigation Database export (47 CFR 64.6305): upsert by RMD number.

The import is idempotent (a second run of the same file creates and updates nothing) and fast on the full
export (7,000+ rows): rows are cleaned in memory and written per chunk with one lookup and bulk writes, never
a query per row. Each chunk is its own transaction so that progress is visible to other processes while the
import runs; a crash leaves whole chunks written, and running the file again completes it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from providers.models import Provider, ProviderContact, StirShaken

REQUIRED_COLUMNS = (
    "number", "frn", "business_name", "business_address", "foreign_voice_provider", "country",
    "other_frns", "other_dba_names", "previous_dba_names", "robocall_mitigation_contact_name",
    "contact_title", "contact_department", "contact_business_address", "contact_country",
    "contact_telephone_number", "contact_phone_extension", "implementation",
    "voice_service_provider_choice", "gateway_provider_choice", "intermediate_provider_choice",
    "last_updated", "filing_url",
)  # fmt: skip
PROVIDER_FIELDS = (
    "frn", "business_name", "business_address", "country", "is_foreign", "other_frns", "other_names",
    "previous_names", "stir_shaken", "is_voice_service", "is_gateway", "is_intermediate",
    "rmd_last_updated", "filing_url",
)  # fmt: skip
CONTACT_FIELDS = ("name", "title", "department", "address", "country", "phone", "extension")
CHUNK = 1000
_RMD_NUMBER = re.compile(r"^RMD\d{7}$")
_YES_NO = {"yes": True, "no": False}
_IMPLEMENTATION = {"yes": StirShaken.YES, "partial": StirShaken.PARTIAL, "no": StirShaken.NO}


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (not a CSV, or columns missing)."""


@dataclass
class Rejection:
    line: int
    rmd_number: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line} ({self.rmd_number or 'no RMD number'}): {self.reason}"


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def summary(self) -> str:
        return (
            f"{self.total} rows: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected} rejected"
        )


@dataclass
class CleanRow:
    line: int
    rmd_number: str
    provider: dict
    contact: dict


def decode(raw: bytes) -> str:
    """The FCC export is UTF-8 (sometimes with a byte-order mark); older saves are Windows-1252."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_rows(text: str) -> tuple[int, Iterator[tuple[int, dict]]]:
    """(number of data rows, iterator of (line number, row)); refuses a file without the RMD columns."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFileError(
            "This is not the RMD export: the header lacks the column(s) " + ", ".join(missing) + "."
        )
    rows = [(reader.line_num, row) for row in reader]
    return len(rows), iter(rows)


def _yes_no(row: dict, column: str, errors: list[str], *, blank_unknown: bool = False) -> bool | None:
    value = (row.get(column) or "").strip().lower()
    if not value and blank_unknown:
        return None
    if value not in _YES_NO:
        errors.append(f"{column} must be Yes or No, not {row.get(column)!r}")
        return False
    return _YES_NO[value]


def _frn(value: str, errors: list[str]) -> str:
    value = value.strip()
    if value and not (value.isdigit() and len(value) <= 10):
        errors.append(f"frn must be up to 10 digits, not {value!r}")
        return ""
    return value.zfill(10) if value else ""  # the export drops the FRN's leading zeros


def _last_updated(value: str, errors: list[str]) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"last_updated must be a date like 2024-05-24, not {value!r}")
        return None


# model field <- (export column, longest value kept)
_PROVIDER_TEXT = {
    "business_name": ("business_name", 300), "business_address": ("business_address", 500),
    "country": ("country", 100), "other_frns": ("other_frns", 500), "other_names": ("other_dba_names", 1000),
    "previous_names": ("previous_dba_names", 1000), "filing_url": ("filing_url", 500),
}  # fmt: skip
_PROVIDER_FLAGS = {
    "is_foreign": "foreign_voice_provider", "is_voice_service": "voice_service_provider_choice",
    "is_gateway": "gateway_provider_choice", "is_intermediate": "intermediate_provider_choice",
}  # fmt: skip
# Flags the real export leaves blank on some rows: stored as unknown (None), not refused.
_BLANK_IS_UNKNOWN = {"is_foreign"}
_CONTACT_TEXT = {
    "name": ("robocall_mitigation_contact_name", 200), "title": ("contact_title", 200),
    "department": ("contact_department", 200), "address": ("contact_business_address", 500),
    "country": ("contact_country", 100), "phone": ("contact_telephone_number", 50),
    "extension": ("contact_phone_extension", 20),
}  # fmt: skip


def _provider_values(g: dict, errors: list[str]) -> dict:
    values = {field: g.get(column, "")[:size] for field, (column, size) in _PROVIDER_TEXT.items()}
    values.update(
        {
            field: _yes_no(g, column, errors, blank_unknown=field in _BLANK_IS_UNKNOWN)
            for field, column in _PROVIDER_FLAGS.items()
        }
    )
    implementation = _IMPLEMENTATION.get(g.get("implementation", "").lower())
    if implementation is None:
        errors.append(f"implementation must be Yes, Partial or No, not {g.get('implementation')!r}")
    values["stir_shaken"] = implementation or ""
    values["frn"] = _frn(g.get("frn", ""), errors)
    values["rmd_last_updated"] = _last_updated(g.get("last_updated", ""), errors)
    if not values["business_name"]:
        errors.append("business_name is empty")
    if values["filing_url"] and not values["filing_url"].startswith("https://"):
        errors.append("filing_url must be an https:// address")
    return values


def clean_row(line: int, row: dict) -> CleanRow | Rejection:
    """One RMD row as model values, or every reason it is refused (so the file is fixed in one pass)."""
    g = {k: (v or "").strip() for k, v in row.items() if k}
    errors: list[str] = []
    number = g.get("number", "").upper()
    if not _RMD_NUMBER.match(number):
        errors.append(f"number must look like RMD0012345, not {g.get('number')!r}")
    provider = _provider_values(g, errors)
    if errors:
        return Rejection(
            line, number if _RMD_NUMBER.match(number) else g.get("number", ""), "; ".join(errors)
        )
    contact = {field: g.get(column, "")[:size] for field, (column, size) in _CONTACT_TEXT.items()}
    return CleanRow(line, number, provider, contact)


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _differs(obj, values: dict, fields: Iterable[str]) -> bool:
    return any(getattr(obj, f) != values[f] for f in fields)


@dataclass
class _Plan:
    """What one chunk writes: new providers (with their contact), changed providers, contacts to add or fix."""

    now: datetime
    new: list[tuple[Provider, CleanRow]] = field(default_factory=list)
    changed: list[Provider] = field(default_factory=list)
    new_contacts: list[ProviderContact] = field(default_factory=list)
    changed_contacts: list[ProviderContact] = field(default_factory=list)

    def compare(self, row: CleanRow, provider: Provider, contact: ProviderContact | None) -> bool:
        """Queue the differences between a row and what is stored; True if anything differs."""
        provider_changed = _differs(provider, row.provider, PROVIDER_FIELDS)
        if provider_changed:
            for name, value in row.provider.items():
                setattr(provider, name, value)
            provider.updated_at = self.now
            self.changed.append(provider)
        if contact is None:
            self.new_contacts.append(ProviderContact(provider=provider, source="rmd", **row.contact))
            return True
        if _differs(contact, row.contact, CONTACT_FIELDS):
            for name, value in row.contact.items():
                setattr(contact, name, value)
            self.changed_contacts.append(contact)
            return True
        return provider_changed


@transaction.atomic
def _write_chunk(rows: list[CleanRow], report: ImportReport) -> None:
    """One lookup of the chunk's providers and their RMD contacts, then bulk writes."""
    plan = _Plan(now=timezone.now())
    existing = Provider.objects.in_bulk([r.rmd_number for r in rows], field_name="rmd_number")
    contacts = {
        c.provider_id: c
        for c in ProviderContact.objects.filter(provider__in=[p.pk for p in existing.values()], source="rmd")
    }
    for row in rows:
        provider = existing.get(row.rmd_number)
        if provider is None:
            plan.new.append(
                (
                    Provider(
                        rmd_number=row.rmd_number, created_at=plan.now, updated_at=plan.now, **row.provider
                    ),
                    row,
                )
            )
        elif plan.compare(row, provider, contacts.get(provider.pk)):
            report.updated += 1
        else:
            report.unchanged += 1
    Provider.objects.bulk_create([p for p, _ in plan.new])
    plan.new_contacts += [ProviderContact(provider=p, source="rmd", **row.contact) for p, row in plan.new]
    report.created += len(plan.new)
    Provider.objects.bulk_update(plan.changed, [*PROVIDER_FIELDS, "updated_at"])
    ProviderContact.objects.bulk_create(plan.new_contacts)
    ProviderContact.objects.bulk_update(plan.changed_contacts, CONTACT_FIELDS)


def import_rmd(
    raw: bytes, *, progress: Callable[[int, int, ImportReport], None] | None = None, chunk: int = CHUNK
) -> ImportReport:
    """Upsert every valid row of an RMD export; report created, updated, unchanged and rejected rows."""
    total, rows = read_rows(decode(raw))
    report = ImportReport(total=total)
    seen: dict[str, int] = {}
    done = 0
    for batch in _chunks(rows, chunk):
        clean: list[CleanRow] = []
        for line, row in batch:
            result = clean_row(line, row)
            if isinstance(result, CleanRow) and result.rmd_number in seen:
                result = Rejection(line, result.rmd_number, f"duplicate of line {seen[result.rmd_number]}")
            if isinstance(result, Rejection):
                report.rejections.append(result)
            else:
                seen[result.rmd_number] = line
                clean.append(result)
        _write_chunk(clean, report)
        done += len(batch)
        if progress:
            progress(done, total, report)
    return report
