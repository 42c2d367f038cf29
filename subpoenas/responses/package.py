"""The response package: what goes into the PDF, as plain data, and its HTML and data exhibits.

Built from plain dataclasses (filled by `subpoenas.responses.assemble` from the database) so the document's
content can be rendered, tested and benchmarked without a database, and so the same snapshot feeds the
pages, the CSV and the JSON: what the pages show and what the data files hold cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from django.template.loader import render_to_string

from itg.exports import rows_csv
from itg.pdf import DataExhibit, ManifestEntry, exhibit_manifest

# The hop chain and the index are printed as fixed-width columns in the mono font, like a records printout.
# Measured (bench/responses.py): a real <table> costs WeasyPrint about 4.5 times as much per traceback (a
# block and line layout for each of 8 cells of 2,500 rows), which alone would take 500 tracebacks past 15 s.
HOP_COLUMNS = (("#", 2), ("Provider", 28), ("Role", 12), ("Asked (UTC)", 16), ("Answered (UTC)", 16))
HOP_COLUMNS += (("Answer", 19), ("Upstream named", 16), ("At", 2))
INDEX_COLUMNS = (("Exhibit", 7), ("Traceback", 10), ("Call (UTC)", 16), ("Campaign", 40), ("Hops", 4))
INDEX_COLUMNS += (("Requests", 25),)
MANIFEST_COLUMNS = (("File", 38), ("Bytes", 10), ("SHA-256", 64))


def columns(rows: Sequence[Sequence[str] | str], spec: Sequence[tuple[str, int]]) -> str:
    """Rows as aligned, wrapped, fixed-width text columns under a header and a rule; a plain string is a
    note line under the previous row, indented past the first column."""
    widths = [w for _, w in spec]
    lines = [_row([h for h, _ in spec], widths), " ".join("-" * w for w in widths)]
    for row in rows:
        lines.append(" " * (widths[0] + 1) + row if isinstance(row, str) else _row(row, widths))
    return "\n".join(lines)


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    wrapped = [
        textwrap.wrap(str(c), w, break_on_hyphens=False) or [""] for c, w in zip(cells, widths, strict=True)
    ]
    height = max(len(w) for w in wrapped)
    return "\n".join(
        " ".join(
            f"{(w[i] if i < len(w) else ''):<{width}}" for w, width in zip(wrapped, widths, strict=True)
        ).rstrip()
        for i in range(height)
    )


def _minute(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if value else "-"


def traceback_label(pk: int) -> str:
    """The identifier a produced traceback carries in the response, its index and its data files."""
    return f"TB-{pk:07d}"


@dataclass(frozen=True)
class HopRow:
    sequence: int
    provider: str
    provider_rmd: str
    role: str
    asked_at: dt.datetime | None
    answered_at: dt.datetime | None
    answer: str
    upstream: str
    attestation: str
    origid: str


@dataclass(frozen=True)
class TracebackExhibit:
    pk: int
    campaign: str
    call_at: dt.datetime
    call_tz: str
    calling_number: str
    called_number: str
    status: str
    originating_provider: str
    gateway_provider: str
    hops: tuple[HopRow, ...]
    requests: tuple[int, ...] = ()  # the request numbers it answers
    number: int = 0  # exhibit number, assigned in order of first production

    @property
    def label(self) -> str:
        return traceback_label(self.pk)

    def hop_table(self) -> str:
        rows: list[list[str] | str] = []
        for h in self.hops:
            provider = f"{h.provider} ({h.provider_rmd})" if h.provider_rmd else h.provider
            rows.append([str(h.sequence), provider, h.role, _minute(h.asked_at), _minute(h.answered_at)])
            rows[-1] += [h.answer, h.upstream or "-", h.attestation or "-"]
            if h.origid:
                rows.append(f"origid {h.origid}")
        return columns(rows, HOP_COLUMNS)


@dataclass(frozen=True)
class RequestAnswerRow:
    number: int
    text: str
    answer: str  # one of Answer.Kind's values
    answer_label: str
    objection: str
    exhibits: tuple[str, ...]  # traceback labels produced for it


@dataclass(frozen=True)
class Package:
    tracking_number: str
    caption: str
    demand_kind: str
    issuing_office: str
    issuing_authority: str
    contact_name: str
    date_issued: dt.date
    date_served: dt.date
    version: int
    correction_reason: str
    requests: tuple[RequestAnswerRow, ...]
    exhibits: tuple[TracebackExhibit, ...]
    custodian_name: str
    custodian_title: str
    letterhead_address: str
    is_development: bool
    prepared_on: dt.date
    manifest: tuple[ManifestEntry, ...] = field(default=())

    @property
    def bates_prefix(self) -> str:
        return f"ITG-{self.tracking_number}"

    @property
    def hop_count(self) -> int:
        return sum(len(e.hops) for e in self.exhibits)

    def index_table(self) -> str:
        rows = [
            [str(tb.number), tb.label, _minute(tb.call_at), tb.campaign, str(len(tb.hops))]
            + [", ".join(str(n) for n in tb.requests)]
            for tb in self.exhibits
        ]
        return columns(rows, INDEX_COLUMNS)

    def manifest_table(self) -> str:
        return columns([[m.name, str(m.size), m.sha256] for m in self.manifest], MANIFEST_COLUMNS)


CSV_COLUMNS = [
    "traceback",
    "campaign",
    "call_at_utc",
    "call_tz",
    "calling_number",
    "called_number",
    "traceback_status",
    "requests",
    "hop",
    "provider",
    "provider_rmd",
    "role",
    "asked_at_utc",
    "answered_at_utc",
    "answer",
    "upstream",
    "attestation",
    "origid",
]


def _iso(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else ""


def records_csv(exhibits: Sequence[TracebackExhibit]) -> bytes:
    """One row per hop, the traceback's fields repeated: opens in any spreadsheet, filters by provider.

    Written through `itg.exports.rows_csv` (RFC 4180, formula cells neutralised): provider names come from
    the public RMD, which providers file themselves, and numbers are written `+1…`.
    """

    def rows():
        for tb in exhibits:
            head = [tb.label, tb.campaign, _iso(tb.call_at), tb.call_tz, tb.calling_number, tb.called_number]
            head += [tb.status, " ".join(str(n) for n in tb.requests)]
            if not tb.hops:
                yield head + [""] * 10
            for hop in tb.hops:
                yield (
                    head
                    + [hop.sequence, hop.provider, hop.provider_rmd, hop.role, _iso(hop.asked_at)]
                    + [_iso(hop.answered_at), hop.answer, hop.upstream, hop.attestation, hop.origid]
                )

    return rows_csv(CSV_COLUMNS, rows())


def records_json(package: Package) -> bytes:
    """The produced tracebacks with their hop chains, nested, for programs; times in UTC ISO 8601."""

    def encode(value: object) -> str:
        if isinstance(value, dt.datetime):
            return _iso(value)
        return str(value)

    body = {
        "tracking_number": package.tracking_number,
        "response_version": package.version,
        "tracebacks": [{"id": tb.label, **asdict(tb)} for tb in package.exhibits],
    }
    return json.dumps(body, default=encode, indent=1, ensure_ascii=False).encode("utf-8")


def data_exhibits(package: Package) -> list[DataExhibit]:
    """The CSV and JSON of the produced records, embedded in the PDF and listed in its manifest."""
    stem = f"{package.bates_prefix}-v{package.version}"
    return [
        DataExhibit(
            f"{stem}-records.csv", records_csv(package.exhibits), "Produced tracebacks, one row per hop"
        ),
        DataExhibit(
            f"{stem}-records.json", records_json(package), "Produced tracebacks with their hop chains"
        ),
    ]


def with_manifest(package: Package, exhibits: Sequence[DataExhibit]) -> Package:
    from dataclasses import replace

    return replace(package, manifest=tuple(exhibit_manifest(exhibits)))


def package_html(package: Package) -> str:
    """The whole response as one HTML document (cover letter, answers, exhibits, certification, index).

    Kept deliberately plain for the renderer's sake: class selectors only, one table per traceback with
    fixed layout, no floats or page breaks per exhibit (a traceback takes a quarter page, not a page).
    """
    return render_to_string("responses/package.html", {"p": package})
