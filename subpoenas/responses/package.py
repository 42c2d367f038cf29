"""The response package: what goes into the PDF, as plain data, and its HTML and data exhibits.

Built from plain dataclasses (filled by `subpoenas.responses.assemble` from the database) so the document's
content can be rendered, tested and benchmarked without a database, and so the same snapshot feeds the
pages, the CSV and the JSON: what the pages show and what the data files hold cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from django.template.loader import render_to_string

from itg.exports import rows_csv
from itg.pdf import DataExhibit, ManifestEntry, exhibit_manifest

# Values never split (times, RMD numbers, file names, digests): no breaking space inside them. The tables
# themselves are drawn by `subpoenas.responses.tables`.
NBSP = "\u00a0"


def _minute(value: dt.datetime | None) -> str:
    """UTC to the minute, date and time held together (a table cell may wrap only between values)."""
    return value.astimezone(dt.UTC).strftime(f"%Y-%m-%d{NBSP}%H:%M") if value else "-"


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
    upstream_rmd: str = ""

    @property
    def provider_cell(self) -> str:
        """The provider as the RMD files it, with its RMD number (never split from its parenthesis)."""
        return f"{self.provider} ({self.provider_rmd})" if self.provider_rmd else self.provider

    @property
    def asked(self) -> str:
        return _minute(self.asked_at)

    @property
    def answered(self) -> str:
        return _minute(self.answered_at)

    def answer_cell(self, following: HopRow | None) -> str:
        """The answer in words. An upstream that is the next row's provider is pointed to by its hop number
        (one line instead of its name again); one never asked (foreign, or the chain stopped) is named."""
        if not self.upstream:
            return self.answer
        if following and (following.provider, following.provider_rmd) == (self.upstream, self.upstream_rmd):
            return f"{self.answer} (hop{NBSP}{following.sequence})"
        return f"{self.answer}: {self.upstream}"


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

    @property
    def rows(self) -> list[tuple[HopRow, str]]:
        """Each hop with its answer as the exhibit's table prints it."""
        following = [*self.hops[1:], None]
        return [(h, h.answer_cell(nxt)) for h, nxt in zip(self.hops, following, strict=True)]

    @property
    def call_minute(self) -> str:
        return _minute(self.call_at)


def _utc(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC) if value else None


@dataclass(frozen=True)
class CitedLetter:
    """A signed notice letter sent to a provider of a findings exhibit, as the snapshot froze it (its
    acknowledgement as it stood when the version was prepared). The package embeds the letter's signed PDF,
    so its SHA-256 is listed, under the signature, with the other embedded files."""

    reference: str
    kind: str
    provider_id: int
    provider_name: str
    rmd_number: str
    about: str
    sent_at: dt.datetime
    criteria: tuple[str, ...]
    rules: tuple[str, ...]
    acknowledged_at: dt.datetime | None
    acknowledged_via: str  # "link" (the e-mailed one-time link) or "api" (the provider API)
    sha256: str
    bates_first: int
    bates_last: int

    @classmethod
    def of(cls, row: dict) -> CitedLetter:
        return cls(
            reference=row["reference"], kind=row["kind"], provider_id=row["provider_id"],
            provider_name=row["provider_name"], rmd_number=row["rmd_number"], about=row["about"],
            sent_at=_utc(row["sent_at"]), criteria=tuple(row["criteria"]), rules=tuple(row["rules"]),
            acknowledged_at=_utc(row["acknowledged_at"]), acknowledged_via=row["acknowledged_via"],
            sha256=row["sha256"], bates_first=row["bates_first"], bates_last=row["bates_last"],
        )  # fmt: skip

    @property
    def file_name(self) -> str:
        return f"{self.reference}.pdf"

    @property
    def sent_on(self) -> str:
        return self.sent_at.strftime("%Y-%m-%d")

    @property
    def provider_cell(self) -> str:
        return f"{self.provider_name} ({self.rmd_number or 'no RMD filing'})"

    @property
    def is_downstream(self) -> bool:
        return self.about != self.provider_name

    @property
    def rules_cell(self) -> str:
        title = "47 CFR "  # every rule a letter cites is in Title 47: named once, its sections after it
        if self.rules and all(r.startswith(title) for r in self.rules):
            cited = title + ", ".join(r.removeprefix(title) for r in self.rules)
        else:
            cited = "; ".join(self.rules)
        found = " ".join(f"({c})" for c in self.criteria)
        return f"Finding{'s' if len(self.criteria) > 1 else ''} {found}; {cited}" if found else cited

    @property
    def acknowledged_cell(self) -> str:
        if self.acknowledged_at is None:
            return "Not acknowledged"
        via = {"link": " (link)", "api": " (API)"}.get(self.acknowledged_via, "")
        return f"{self.acknowledged_at:%Y-%m-%d}{via}"

    def against(self, since: str, until: str) -> str:
        """Where the letter falls against the findings' window (UTC days): before it, within it, after it."""
        day = self.sent_on
        return "before" if day < since else "after" if day > until else "within"


@dataclass(frozen=True)
class FindingsExhibit:
    """A request answered from the findings: the table the saved query produced (frozen in the snapshot),
    one row per provider with the tracebacks behind it, which are themselves produced as exhibits."""

    number: int
    request: int
    kind: str  # "findings_unanswered" or "provider_history"
    title: str
    description: str
    since: str
    until: str
    rows: tuple[dict, ...]
    letters: tuple[CitedLetter, ...] = ()  # sent to its providers up to `letters_as_of` (a version frozen
    letters_as_of: str = ""  # before letters were evidence has none, and says nothing about them)

    @property
    def label(self) -> str:
        return f"F{self.number}"

    @property
    def letters_date(self) -> str:
        return self.letters_as_of[:10]

    @property
    def printed_letters(self) -> list[tuple[CitedLetter, str]]:
        """Each letter with where it falls against the window, as the exhibit's letters table prints it."""
        return [(x, x.against(self.since, self.until)) for x in self.letters]

    @property
    def printed(self) -> list[dict]:
        """The rows with their provider cell and traceback labels, as the exhibit's table prints them."""
        return [
            {**r, "provider_cell": f"{r['provider_name']} ({r['rmd_number'] or 'no RMD filing'})",
             "labels": ", ".join(traceback_label(pk) for pk in r["traceback_ids"])}
            for r in self.rows
        ]  # fmt: skip


@dataclass(frozen=True)
class RequestAnswerRow:
    number: int
    text: str
    answer: str  # one of Answer.Kind's values
    answer_label: str
    objection: str
    exhibits: tuple[str, ...]  # traceback labels produced for it
    findings: str = ""  # the findings exhibit's label (F1) when the request is answered from the findings


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
    findings: tuple[FindingsExhibit, ...] = field(default=())
    manifest: tuple[ManifestEntry, ...] = field(default=())

    @property
    def bates_prefix(self) -> str:
        return f"ITG-{self.tracking_number}"

    @property
    def running_head(self) -> str:
        """Every page's head, at the left (the template's margin box and the drawn tables' pages)."""
        return f"Industry Traceback Group · {self.tracking_number} · version {self.version}"

    @property
    def running_head_right(self) -> str:
        """At the right: the development signature's warning (in red) or the confidentiality legend."""
        if self.is_development:
            return "DEVELOPMENT SIGNATURE · NOT FOR PRODUCTION USE"
        return "Confidential: produced in response to legal process"

    @property
    def hop_count(self) -> int:
        return sum(len(e.hops) for e in self.exhibits)

    @property
    def cited_letters(self) -> list[CitedLetter]:
        """The notice letters the findings exhibits list, each once, oldest first: embedded as signed."""
        seen = {x.reference: x for f in self.findings for x in f.letters}
        return sorted(seen.values(), key=lambda x: (x.sent_at, x.reference))


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


FINDINGS_CSV_COLUMNS = ["exhibit", "request", "query", "window_start", "window_end", "provider_id", "rmd_number",
                        "provider_name", "criterion", "count", "threshold", "late", "tracebacks", "on_time",
                        "unanswered", "no_record", "originated", "findings_met", "traceback_ids"]  # fmt: skip


def findings_csv(findings: Sequence[FindingsExhibit]) -> bytes:
    """One row per provider of each findings exhibit (the columns a kind does not have are blank)."""

    def rows():
        for f in findings:
            for r in f.rows:
                met = " ".join(x["criterion"] for x in r.get("findings", []))
                yield [f.label, f.request, f.kind, f.since, f.until, r["provider_id"], r["rmd_number"]] + [
                    r["provider_name"], r.get("criterion", ""), r.get("count", ""), r.get("threshold", ""),
                    r["late"], r.get("tracebacks", len(r["traceback_ids"])), r.get("on_time", ""),
                    r.get("unanswered", ""), r.get("no_record", ""), r.get("originated", ""), met,
                    " ".join(traceback_label(pk) for pk in r["traceback_ids"]),
                ]  # fmt: skip

    return rows_csv(FINDINGS_CSV_COLUMNS, rows())


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
    if package.findings:
        body["findings"] = [{"id": f.label, **asdict(f)} for f in package.findings]
    return json.dumps(body, default=encode, indent=1, ensure_ascii=False).encode("utf-8")


def data_exhibits(package: Package) -> list[DataExhibit]:
    """The CSV and JSON of the produced records, embedded in the PDF and listed in its manifest."""
    stem = f"{package.bates_prefix}-v{package.version}"
    files = [
        DataExhibit(
            f"{stem}-records.csv", records_csv(package.exhibits), "Produced tracebacks, one row per hop"
        ),
        DataExhibit(
            f"{stem}-records.json", records_json(package), "Produced tracebacks with their hop chains"
        ),
    ]
    if package.findings:
        files.append(
            DataExhibit(
                f"{stem}-findings.csv", findings_csv(package.findings), "Findings, one row per provider"
            )
        )
    return files


def with_manifest(package: Package, exhibits: Sequence[DataExhibit]) -> Package:
    from dataclasses import replace

    return replace(package, manifest=tuple(exhibit_manifest(exhibits)))


def package_html(package: Package, *, front: bool, back: bool) -> str:
    """The HTML parts of the response: the front (cover letter, Part I's answers, and Part II's title and
    findings when there are any) and the back (Part III's certification). The traceback exhibits and the
    index are drawn (`subpoenas.responses.tables`)."""
    context = {"p": package, "front": front, "back": back}
    return render_to_string("responses/package.html", context)
