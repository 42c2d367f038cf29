"""Read a demand PDF: the values the intake form prefills, each with where it came from and how sure we are.

A wrong prefill is worse than none: the reader fills a field only when it is sure (`FILL_AT`), offers the
others for the user to accept, and says plainly when it could read nothing (a scanned PDF) or when the
requests are numbered with gaps or repeats (then it prefills no request at all). What it reads:

* the kind (CID or subpoena) from the title; the statute from the "pursuant to" sentence;
* the dates issued and served; the return date as a date or as a period after service ("within thirty (30)
  days of service", "no later than 20 business days after service"), computed with `itg.calendar`;
* the issuing authority from the letterhead (division and office);
* the numbered requests under the usual headings (REQUEST NO., SPECIFICATION, Demand No., or numbered items
  under SPECIFICATIONS, Schedule A, Attachment A, DOCUMENTS REQUESTED...), in paragraphs, lists or tables;
  each request's date window, its calling and called numbers, the providers (FRN, RMD number or name, matched
  against the registry) and the campaigns (matched against known campaigns) it names.

Letterhead, contact and signature blocks end a request, so their phone numbers never become search numbers.
The measure of all this is `bench/extraction.py` over the corpus in `tests/demand_corpus/`.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import phonenumbers

# Thresholds, chosen by reading, not by the corpus: a value found by an explicit label ("Date issued:",
# "Return date", a title line) scores 0.9+; one found by position or by a weak cue scores under 0.8.
FILL_AT = 0.8
MAX_PAGES = 40  # a demand is a few pages; a 500-page PDF is read up to here and says so
MAX_SECONDS = 8.0  # and never for longer than this

# ---------------------------------------------------------------------------------------------------
# Values with provenance


@dataclass
class Value:
    value: Any
    confidence: float
    page: int | None = None
    context: str = ""
    note: str = ""

    @property
    def filled(self) -> bool:
        return self.value not in (None, "", []) and self.confidence >= FILL_AT

    def as_json(self) -> dict:
        value = self.value.isoformat() if isinstance(self.value, date) else self.value
        return {"value": value, "confidence": round(self.confidence, 2), "page": self.page,
                "context": self.context, "note": self.note, "filled": self.filled}  # fmt: skip


@dataclass
class Line:
    page: int
    text: str


@dataclass
class Registry:
    """What the reader matches against: providers (id, name, rmd, frn) and known campaign names."""

    providers: list[dict] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------
# Text from the PDF, page by page


def pdf_lines(
    source, *, max_pages: int = MAX_PAGES, max_seconds: float = MAX_SECONDS
) -> tuple[list, int, int, int]:
    """The PDF's text lines with their page, running headers and page numbers removed.

    Returns (lines, pages in the file, pages read, characters read before the running lines were removed).
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
    total = len(reader.pages)
    started = time.monotonic()
    pages: list[list[str]] = []
    for page in reader.pages[:max_pages]:
        if time.monotonic() - started > max_seconds:
            break
        try:
            text = page.extract_text(extraction_mode="layout") or ""
        except Exception:  # noqa: BLE001 - a page pypdf cannot read is left out; the rest is still read
            text = ""
        pages.append([re.sub(r"[ \t]+", " ", ln).strip() for ln in text.splitlines() if ln.strip()])
    return _drop_running_lines(pages), total, len(pages), sum(len(x) for lines in pages for x in lines)


_PAGE_NO = re.compile(r"^(?:page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d{1,3})$", re.IGNORECASE)


def _drop_running_lines(pages: list[list[str]]) -> list[Line]:
    """Page numbers go; a line repeated at the top or bottom of two pages or more is a running header."""
    edge = lambda ls: [x.lower() for x in ls[:3] + ls[-3:]]  # noqa: E731
    seen: dict[str, int] = {}
    for lines in pages:
        for key in set(edge(lines)):
            seen[key] = seen.get(key, 0) + 1
    running = {k for k, n in seen.items() if n >= 2} if len(pages) >= 2 else set()
    out = []
    for number, lines in enumerate(pages, start=1):
        for text in lines:
            if _PAGE_NO.match(text) or text.lower() in running:
                continue
            out.append(Line(number, text))
    return out


# ---------------------------------------------------------------------------------------------------
# Dates

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MON = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_DATE = re.compile(
    rf"(?P<iso>\b(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})\b)"
    rf"|(?P<us>\b(?P<um>\d{{1,2}})/(?P<ud>\d{{1,2}})/(?P<uy>\d{{4}})\b)"
    rf"|(?P<ord>\b(?P<od>\d{{1,2}})(?:st|nd|rd|th)?\s+day\s+of\s+(?P<om>{_MONTHS}),?\s+(?P<oy>\d{{4}}))"
    rf"|(?P<long>\b(?P<lm>{_MONTHS}|{_MON})\s*(?P<ld>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<ly>\d{{4}})\b)",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(rf"\b(?P<m>{_MONTHS})\s+(?P<y>\d{{4}})\b", re.IGNORECASE)


def _month(name: str) -> int:
    return datetime.strptime(name[:3].title(), "%b").month


def _build_date(m: re.Match) -> date | None:
    try:
        if m["iso"]:
            return date(int(m["iy"]), int(m["im"]), int(m["id"]))
        if m["us"]:
            return date(int(m["uy"]), int(m["um"]), int(m["ud"]))
        if m["ord"]:
            return date(int(m["oy"]), _month(m["om"]), int(m["od"]))
        return date(int(m["ly"]), _month(m["lm"]), int(m["ld"]))
    except ValueError:
        return None


def dates_in(text: str) -> list[tuple[int, int, date]]:
    """(start, end, date) of every full date written in `text`."""
    return [(m.start(), m.end(), d) for m in _DATE.finditer(text) if (d := _build_date(m))]


def find_dates(text: str) -> list[date]:
    return list(dict.fromkeys(d for _, _, d in dates_in(text)))


# ---------------------------------------------------------------------------------------------------
# The document: one joined text with a page for every offset


class Doc:
    def __init__(self, lines: list[Line]):
        self.lines = lines
        self.text, self.starts = "", []
        for line in lines:
            self.starts.append(len(self.text))
            self.text += line.text + "\n"

    def page_at(self, offset: int) -> int | None:
        page = None
        for start, line in zip(self.starts, self.lines, strict=True):
            if start > offset:
                break
            page = line.page
        return page

    def context(self, start: int, end: int, pad: int = 50) -> str:
        return " ".join(self.text[max(0, start - pad) : end + pad].split())


def _labelled_date(doc: Doc, labels: list[tuple[str, float]], window: int = 45) -> Value | None:
    """The first date within `window` characters after the strongest label that has one."""
    for label, confidence in labels:
        found = []
        for m in re.finditer(label, doc.text, re.IGNORECASE):
            after = dates_in(doc.text[m.end() : m.end() + window])
            if after:
                start, end, d = after[0]
                found.append((m.start(), m.end() + end, d))
        if found:
            distinct = {d for _, _, d in found}
            start, end, d = found[0]
            return Value(d, confidence if len(distinct) == 1 else 0.5, doc.page_at(start), doc.context(start, end),
                         "" if len(distinct) == 1 else "Several different dates carry this label: check it.")  # fmt: skip
    return None


_ISSUED = [
    (r"\b(?:date\s+issued|date\s+of\s+issuance|issued(?:\s+on|\s+this)?)\b[:\s]", 0.95),
    (r"\bdated(?:\s+this)?\b[:\s]", 0.9),
    (r"(?m)^date\s*:", 0.85),
]
_SERVED = [(r"\b(?:date\s+of\s+service|date\s+served|service\s+date|served(?:\s+on)?)\b[:\s]", 0.95)]
_RETURN = [
    (r"\b(?:return\s+date(?:\s+of)?|on\s+or\s+before(?:\s+the)?|no\s+later\s+than|not\s+later\s+than|"
     r"respond\s+by|produced\s+by|due\s+(?:on|by))\b[:\s]", 0.9),
]  # fmt: skip


# ---------------------------------------------------------------------------------------------------
# The return period

_UNIT_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
)
_UNITS = {w: i for i, w in enumerate(f"{_UNIT_WORDS} seventeen eighteen nineteen".split())}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}


def number_word(words: str) -> int | None:
    """ "thirty" → 30, "twenty-one" → 21; None for anything else."""
    total = 0
    for part in re.split(r"[\s-]+", words.strip().lower()):
        if part in _TENS:
            total += _TENS[part]
        elif part in _UNITS:
            total += _UNITS[part]
        else:
            return None
    return total or None


_PERIOD = re.compile(
    r"\b(?:within|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before)\s+(?:the\s+)?"
    r"(?:(?P<words>[a-z]+(?:[\s-][a-z]+)?)\s+)?(?:\((?P<paren>\d{1,3})\)|(?P<num>\d{1,3}))?\s*"
    r"(?P<kind>business|calendar|working)?\s*days?\s+(?:of|after|from|following)\s+(?:the\s+)?"
    r"(?:date\s+of\s+)?(?:your\s+)?(?P<event>service|receipt)",
    re.IGNORECASE,
)


def _return_period(doc: Doc) -> tuple[Value, Value] | None:
    m = _PERIOD.search(doc.text)
    if not m:
        return None
    n = int(m["paren"] or m["num"] or 0) or (number_word(m["words"]) if m["words"] else None)
    if not n:
        return None
    kind = "business" if (m["kind"] or "").lower() in ("business", "working") else "calendar"
    page, ctx = doc.page_at(m.start()), doc.context(m.start(), m.end())
    note = f"{n} {kind} days after {m['event'].lower()}"
    return Value(n, 0.95, page, ctx, note), Value(kind, 0.95 if m["kind"] else 0.85, page, ctx, note)


def explain_period(days: int, kind: str, served: date | None, state: str) -> str:
    """The due date of a period after service, computed with the jurisdiction's calendar, in words."""
    if not served or not state:
        return f"{days} {kind} days after service: the due date is computed once the date served is entered."
    from itg.calendar import add_business_days, add_calendar_days, fmt_date

    due = (add_business_days if kind == "business" else add_calendar_days)(served, days, state)
    return f"Due {fmt_date(due.due_date)}: {due.explanation}"


# ---------------------------------------------------------------------------------------------------
# Kind, statute, issuing authority


def _kind(doc: Doc) -> Value | None:
    for line in doc.lines[:40]:
        low = line.text.lower()
        if len(line.text) > 80:
            continue
        if "civil investigative demand" in low:
            return Value("cid", 0.95, line.page, line.text)
        if re.search(r"\bsubpoena\b", low) and not low.startswith(("this", "the ", "under", "pursuant")):
            return Value("subpoena", 0.95, line.page, line.text)
    low = doc.text.lower()
    cid, sub = (
        low.count("civil investigative demand") + len(re.findall(r"\bcid\b", low)),
        low.count("subpoena"),
    )
    if cid or sub:
        return Value("cid" if cid > sub else "subpoena", 0.6, None, "counted in the text, no title found")
    return None


_CODE_WORD = r"(?:[A-Z][A-Za-z'.]*|&|c\.|tit\.|\d+[A-Z]?,?)"
_STATUTE = re.compile(
    rf"(?:{_CODE_WORD}\s+){{1,7}}§§?\s*\d[\w.\-]*(?:\(\w+\))*"
    r"|\b\d+\s+ILCS\s+\d+/\d[\w.\-]*"
    r"|\b(?:R\.C\.|RCW|MCL|Ohio\s+Rev\.\s+Code)\s+(?:§\s*)?\d[\d.\-]*\d"
)
# A code cited by its capital abbreviation and a sectioned number ("N.J.S.A. 56:8-3", "NRS 598.0963"): only
# taken from a "pursuant to" sentence, since case and file numbers look the same ("CID 2026-031").
_ABBREVIATED = re.compile(
    r"\b(?!CID\b|No\b)(?:[A-Z]\.){2,}[A-Z]?\.?\s+\d+[A-Z]?[:.\-]\d[\w.\-:]*\d|\b(?!CID\b)[A-Z]{2,5}\s+\d+[A-Z]?[:.\-]\d[\w.\-:]*\d"
)
_AUTHORITY_CUE = re.compile(
    r"pursuant to|authority of|issued under|under|authorized by|in accordance with", re.I
)


def _statute(doc: Doc) -> Value | None:
    first = None
    for m in _STATUTE.finditer(doc.text):
        cited = re.sub(r"^(?:(?:of|the|and|By|Under|Pursuant)\s+)+", "", m.group(0)).rstrip(".,;")
        cited = " ".join(cited.split())
        before = doc.text[max(0, m.start() - 60) : m.start()]
        value = Value(cited, 0.9, doc.page_at(m.start()), doc.context(m.start(), m.end()))
        if _AUTHORITY_CUE.search(before):
            return value
        first = first or value
    for m in _ABBREVIATED.finditer(doc.text):
        if first is None and _AUTHORITY_CUE.search(doc.text[max(0, m.start() - 60) : m.start()]):
            return Value(m.group(0), 0.85, doc.page_at(m.start()), doc.context(m.start(), m.end()))
    if first:
        first.confidence = 0.7
    return first


_OFFICE = re.compile(r"attorney\s+general|department\s+of\s+(?:law|justice)", re.I)
_DIVISION = re.compile(r"\b(?:division|bureau|section|unit)\b", re.I)
_PERSONAL = re.compile(r"\b(?:assistant|deputy|senior|special)\b|/s/|@|\d{3}\)?[\s.-]\d{3}-\d{4}", re.I)


def _authority(doc: Doc) -> Value | None:
    top = [ln for ln in doc.lines[:14] if ln.page == 1]
    office = division = None
    for i, line in enumerate(top):
        text = line.text
        if (
            _PERSONAL.search(text)
            or re.match(r"^\d", text)
            or len(text) > 70
            or re.search(r"\bv\.|·|,\s*attorney", text, re.I)
        ):
            continue
        if office is None and _OFFICE.search(text):
            office = text
            if text.strip().lower() == "attorney general" and i + 1 < len(top):
                office = f"{text} {top[i + 1].text}"  # "ATTORNEY GENERAL / STATE OF ILLINOIS": the title alone names no office
        elif division is None and _DIVISION.search(text) and not _OFFICE.search(text):
            division = text
    if not office:
        return Value(_tidy(division), 0.6, 1, division) if division else None
    value = ", ".join(_tidy(x) for x in (division, office) if x)
    return Value(value, 0.85, 1, " / ".join(x for x in (office, division) if x))


def _tidy(text: str) -> str:
    """All-capital letterhead lines read as titles ("CONSUMER PROTECTION SECTION" → "Consumer Protection Section")."""
    if text.upper() != text:
        return text
    small = {"of", "the", "and", "for", "&"}
    words = text.lower().split()
    return " ".join(w if (w in small and i) else w.capitalize() for i, w in enumerate(words))


# ---------------------------------------------------------------------------------------------------
# Requests

_HEADED = re.compile(
    r"^(?:(?:document\s+)?request(?:\s+for\s+production)?|specification|demand|item)\s*(?:no\.?|number|#)?\s*(\d{1,3})\s*(?:[:.)\-–—]+\s*|\s{2,}|$)(.*)$",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^\(?(\d{1,3})(?:[.)]\)?\s*|\s+(?=[A-Z]))(\S.*)?$")
_SECTION = re.compile(
    r"^(?:(?:schedule|attachment|exhibit|rider)\s+[A-Z1](?:\b.*)?|schedule\s+of\s+documents.*|"
    r".*\b(?:documents?|records?|information|items?|materials?)\s+(?:requested|demanded|to\s+be\s+produced)\b.*|"
    r"requested\s+documents|(?:requests?|specifications?)(?:\s+for\s+(?:production|documents).*)?)\s*:?$",
    re.IGNORECASE,
)
_OFF = re.compile(
    r"^(?:general\s+)?(?:definitions?|instructions?|certificat\w*|verification|notice|privilege\w*|affidavit)\b",
    re.I,
)
_END = re.compile(
    r"^(?:dated|respectfully|sincerely|very\s+truly|/s/|by:|signed|signature|questions|please\s+(?:contact|direct)|"
    r"contact\b|if\s+you\s+have|issued\b|date\s+issued|date\s+of\s+issuance|cc:)"
    r"|(?:assistant|deputy|senior|special)\s+(?:\w+\s+)?attorney\s+general|,\s*attorney\s+general|@",
    re.IGNORECASE,
)


@dataclass
class FoundRequest:
    number: int
    text: str
    page: int
    confidence: float
    phone_numbers: list[str] = field(default_factory=list)
    calling: list[str] = field(default_factory=list)
    called: list[str] = field(default_factory=list)
    terminating: list[str] = field(default_factory=list)  # state codes: "calls terminating in Texas"
    date_from: date | None = None
    date_to: date | None = None
    window_note: str = ""
    providers: list[dict] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)
    campaigns_offered: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        iso = lambda d: d.isoformat() if d else ""  # noqa: E731
        return {
            "number": self.number, "text": self.text, "page": self.page, "confidence": round(self.confidence, 2),
            "context": self.text[:100], "phone_numbers": self.phone_numbers, "calling_numbers": self.calling,
            "called_numbers": self.called, "terminating_states": self.terminating, "date_from": iso(self.date_from), "date_to": iso(self.date_to),
            "window_note": self.window_note, "providers": self.providers, "campaigns": self.campaigns,
            "campaigns_offered": self.campaigns_offered,
        }  # fmt: skip


def _append(req: FoundRequest, text: str) -> None:
    if req.text.endswith("-") and req.text[-2:-1].isalnum():
        req.text += text  # a word or campaign name broken at its hyphen: "SSA-" / "CalltheSSA"
    else:
        req.text = f"{req.text} {text}".strip()


def _collect(lines: list[Line], headed: bool) -> list[FoundRequest]:
    found: list[FoundRequest] = []
    on = headed
    current: FoundRequest | None = None
    for line in lines:
        text = line.text
        short = len(text) < 70
        if short and _OFF.match(text):
            on, current = False, None
            continue
        if not headed and short and _SECTION.match(text):
            on, current = True, None
            continue
        if _END.search(text):
            on, current = False, None  # a signature or contact block: its numbers are no request's
            continue
        m = (_HEADED if headed else _NUMBERED).match(text)
        if headed and m:
            on = True
        if on and m:
            current = FoundRequest(int(m[1]), (m[2] or "").strip(), line.page, 0.9)
            found.append(current)
        elif on and current is not None:
            _append(current, text)
    return [r for r in found if r.text]


def split_requests(doc: Doc) -> tuple[list[FoundRequest], str]:
    """The numbered requests, and a message when their numbering cannot be trusted."""
    headed = any(_HEADED.match(ln.text) for ln in doc.lines)
    requests = _collect(doc.lines, headed)
    numbers = [r.number for r in requests]
    if requests and numbers != list(range(1, len(numbers) + 1)):
        listed = ", ".join(str(n) for n in numbers[:30])
        return requests, (f"The requests are numbered {listed}: a number is missing or repeated, so none was "
                          "prefilled. Check the PDF and enter each request.")  # fmt: skip
    return requests, ""


_CALLING = re.compile(
    r"\b(?:from|caller\s+id|calling\s+numbers?|displaying|originat\w*\s+from|placed\s+by|made\s+by|ani)\b",
    re.I,
)
_CALLED = re.compile(
    r"\b(?:to|called\s+numbers?|dialed|received\s+(?:at|by)|terminating\s+(?:at|to)|directed\s+to|delivered\s+to|"
    r"destined\s+for)\b",
    re.I,
)


def _numbers(text: str) -> tuple[list[str], list[str], list[str]]:
    """(all, calling, called) numbers of a request: the cue word nearest before each number decides."""
    spaced = re.sub(r"(\d{4})([A-Za-z])", r"\1 \2", text)
    everything, calling, called = [], [], []
    matches = list(phonenumbers.PhoneNumberMatcher(spaced, "US"))
    for m in matches:
        e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        if e164 in everything:
            continue
        everything.append(e164)
        before = spaced[max(0, m.start - 80) : m.start]
        for other in matches:
            before = before.replace(other.raw_string, " ")
        a, b = (max((x.end() for x in rx.finditer(before)), default=-1) for rx in (_CALLING, _CALLED))
        if a > b:
            calling.append(e164)
        elif b > a:
            called.append(e164)
    return everything, calling, called


def _state_names() -> str:
    from itg.calendar import JURISDICTIONS

    names = sorted((name for name, _zone in JURISDICTIONS.values()), key=len, reverse=True)
    return "|".join(re.escape(n) for n in names)


# "calls terminating in Texas", "calls delivered to telephone numbers in the State of Oklahoma", "calls made
# to consumers located in Texas": a verb of delivery, then (within a few words) "in <state>". A state named
# any other way ("the Attorney General of Texas", "Texas law") is not a scope.
_TERMINATING = re.compile(
    r"\b(?:terminat\w*|delivered|directed|placed|made|received)\b[^.;:]{0,60}?\b(?:in|within)\s+"
    r"(?:the\s+(?:State|Commonwealth)\s+of\s+)?(" + _state_names() + r")\b",
    re.I,
)


_MORE_STATES = re.compile(
    r"(?:,\s*|\s+(?:or|and)\s+|,\s*(?:or|and)\s+)(?:in\s+)?(?:the\s+(?:State|Commonwealth)\s+of\s+)?("
    + _state_names()
    + r")\b",
    re.I,
)


def _terminating_states(text: str) -> list[str]:
    """The states a request's calls terminate in ("in Oklahoma or Texas" is both), as two-letter codes."""
    from itg.calendar import JURISDICTIONS

    codes = {name.lower(): code for code, (name, _zone) in JURISDICTIONS.items()}
    text = " ".join(text.split())
    found = []
    for m in _TERMINATING.finditer(text):
        found.append(m.group(1))
        end = m.end()
        while more := _MORE_STATES.match(text, end):
            found.append(more.group(1))
            end = more.end()
    return list(dict.fromkeys(codes[name.lower()] for name in found))


def _window(req: FoundRequest, present: date | None) -> None:
    text = req.text
    ds = dates_in(text)
    m = re.search(r"\b(?:during|in)\s+(?:calendar\s+year\s+|the\s+year\s+)?(\d{4})\b(?!\s*[-/])", text)
    my = rf"(?:{_MONTHS})\s+\d{{4}}"
    between = re.search(rf"\b(?:between|from)\s+({my})\s+(?:and|to|through|until)\s+({my})", text, re.I)
    if len(ds) >= 2:
        req.date_from, req.date_to = min(d for *_, d in ds), max(d for *_, d in ds)
        req.window_note = "the two dates the request gives"
    elif ds and re.search(
        r"\bto\s*the\s*present|\bsince\b|\bon\s+or\s+after\b|\bthrough\s*the\s*present", text, re.I
    ):
        req.date_from, req.date_to = ds[0][2], present
        req.window_note = "to the present: counted to the date issued" if present else ""
    elif between:
        import calendar

        a, b = _MONTH_YEAR.match(between[1]), _MONTH_YEAR.match(between[2])
        req.date_from = date(int(a["y"]), _month(a["m"]), 1)
        end_month = _month(b["m"])
        req.date_to = date(int(b["y"]), end_month, calendar.monthrange(int(b["y"]), end_month)[1])
        req.window_note = "whole months, first to last day"
    elif m and not ds:
        year = int(m[1])
        req.date_from, req.date_to = date(year, 1, 1), date(year, 12, 31)
        req.window_note = f"the calendar year {year}"


def _norm(text: str) -> str:
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split()) + " "


_SUFFIXES = {"llc", "inc", "corp", "corporation", "co", "ltd", "lp", "llp", "company", "incorporated", "plc"}


def _core_name(name: str) -> str:
    words = _norm(name).split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    core = " ".join(words)
    return core if (len(words) >= 2 or len(core) >= 8) else ""


def _providers(text: str, registry: Registry, index: dict) -> list[dict]:
    out: list[dict] = []
    seen: set = set()

    def add(written: str, provider: dict | None, by: str) -> None:
        key = provider["id"] if provider else written
        if key not in seen:
            seen.add(key)
            match = {k: provider[k] for k in ("id", "name", "rmd", "frn")} if provider else None
            out.append(
                {"written": written, "match": match, "by": by, "confidence": 0.95 if provider else 0.5}
            )

    for m in re.finditer(r"\bFRN\s*(?:No\.?|#|:)?\s*(\d{7,10})\b", text):
        add(m.group(0), index["frn"].get(m[1].lstrip("0")), "FRN")
    for m in re.finditer(r"\bRMD\d{7}\b", text):
        add(m.group(0), index["rmd"].get(m.group(0)), "RMD number")
    normalized = _norm(text)
    for core, provider in index["names"]:
        if f" {core} " in normalized:
            add(provider["name"], provider, "name")
    return out


_CAMPAIGN_LIKE = re.compile(r"(?<![\w-])[A-Z][A-Za-z0-9]+-[A-Z0-9][A-Za-z0-9]+(?:-P?\d+)?(?![\w-])")


def _campaigns(text: str, known: list[str]) -> tuple[list[str], list[str]]:
    found = [c for c in known if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text, re.IGNORECASE)]
    lower = {c.lower() for c in found}
    offered = [c for c in dict.fromkeys(_CAMPAIGN_LIKE.findall(text)) if c.lower() not in lower]
    return found, offered


def _index(registry: Registry) -> dict:
    return {
        "frn": {str(p["frn"]).lstrip("0"): p for p in registry.providers if p.get("frn")},
        "rmd": {p["rmd"]: p for p in registry.providers if p.get("rmd")},
        "names": [(core, p) for p in registry.providers if (core := _core_name(p["name"]))],
    }


# ---------------------------------------------------------------------------------------------------
# The whole reading


@dataclass
class Reading:
    fields: dict[str, Value]
    requests: list[FoundRequest]
    messages: list[dict]
    text_layer: bool
    pages_total: int
    pages_read: int
    requests_trusted: bool = True

    def filled(self, name: str):
        v = self.fields.get(name)
        return v.value if v is not None and v.filled else None

    def as_json(self) -> dict:
        requests = [r.as_json() for r in self.requests] if self.requests_trusted else []
        numbers = list(dict.fromkeys(n for r in requests for n in r["phone_numbers"]))
        iso = lambda name: v.isoformat() if (v := self.filled(name)) else ""  # noqa: E731
        return {
            "version": 2, "text_layer": self.text_layer, "pages_total": self.pages_total,
            "pages_read": self.pages_read, "messages": self.messages,
            "fields": {k: v.as_json() for k, v in self.fields.items()},
            "requests": requests,
            "requests_offered": [] if self.requests_trusted else [r.as_json() for r in self.requests],
            # The first reader's keys, kept for API clients written against it.
            "phone_numbers": numbers, "dates": [], "return_date": iso("return_date"), "date_issued": iso("date_issued"),
        }  # fmt: skip


def read_lines(lines: list[Line], *, registry: Registry | None = None, state: str = "") -> Reading:
    registry = registry or Registry()
    doc = Doc(lines)
    fields: dict[str, Value] = {}
    for name, found in (("kind", _kind(doc)), ("statute", _statute(doc)), ("issuing_authority", _authority(doc)),
                        ("date_issued", _labelled_date(doc, _ISSUED)), ("date_served", _labelled_date(doc, _SERVED))):  # fmt: skip
        if found is not None:
            fields[name] = found
    period = _return_period(doc)
    if period:
        fields["response_days"], fields["response_day_kind"] = period
        served = fields.get("date_served")
        note = explain_period(period[0].value, period[1].value, served.value if served else None, state)
        fields["response_days"].note = fields["response_day_kind"].note = note
    elif found := _labelled_date(doc, _RETURN):
        fields["return_date"] = found
    issued = fields.get("date_issued")
    present = issued.value if issued is not None and issued.filled else None
    requests, problem = split_requests(doc)
    index = _index(registry)
    for r in requests:
        r.phone_numbers, r.calling, r.called = _numbers(r.text)
        r.terminating = _terminating_states(r.text)
        _window(r, present)
        r.providers = _providers(r.text, registry, index)
        r.campaigns, r.campaigns_offered = _campaigns(r.text, registry.campaigns)
    messages = [{"code": "numbered", "text": problem}] if problem else []
    if not requests:
        messages.append({"code": "no_requests", "text": "No numbered request was found: enter each one."})
    return Reading(fields, requests, messages, True, 0, 0, requests_trusted=not problem)


def read_demand(source, *, registry: Registry | None = None, state: str = "") -> Reading:
    """Read a demand PDF (bytes or a file): every value with its page, words around it and confidence."""
    lines, total, read, characters = pdf_lines(source)
    if characters < 40:
        note = (
            "This PDF has no text layer (it looks scanned), so nothing could be read from it. Enter the "
            "demand's details by hand below."
        )
        reading = Reading({}, [], [{"code": "no_text", "text": note}], False, total, read)
    else:
        reading = read_lines(lines, registry=registry, state=state)
        reading.pages_total, reading.pages_read = total, read
    if read < total:
        reading.messages.append({"code": "truncated", "text": (
            f"The PDF has {total} pages; the first {read} were read. Check for requests after page {read} "
            "and enter them by hand.")})  # fmt: skip
    return reading


# ---------------------------------------------------------------------------------------------------
# Small helpers used by the forms and selectors


def find_phone_numbers(text: str) -> list[str]:
    """US numbers in any common format, as E.164, in order of appearance, without repeats."""
    found: list[str] = []
    for match in phonenumbers.PhoneNumberMatcher(text, "US"):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in found:
            found.append(e164)
    return found


def split_list(raw: str | list) -> list[str]:
    """Comma, semicolon or newline separated text → clean items."""
    items = raw if isinstance(raw, list) else re.split(r"[,;\n]", raw or "")
    return [item.strip() for item in items if str(item).strip()]
