"""HTML -> PDF for legal responses: WeasyPrint rendering, Bates numbering, embedded data exhibits.

Django-free on purpose: everything comes in as arguments, so Celery tasks, management commands and tests can
call it without settings. Signing lives in `itg.signing`.

Why Bates numbering is done in CSS at render time: a second render (to learn the page count) or a pypdf
overlay would each cost a large fraction of the render itself on a 250-page response, while a CSS counter
with an `@counter-style` that pads to six digits costs nothing. `counter(pages)` gives "of y" for free and
`Document.pages` gives the last number without reading the PDF back.

A long document (a response of 500 tracebacks is about 100 pages, most of them ruled tables) is rendered
in parts instead (`render_bates_pdf_parts`): HTML parts laid out by WeasyPrint and table parts drawn by
`itg.pdf_tables` (ReportLab: WeasyPrint's table layout is pure Python, a third of a second of CPU a page of
ruled rows), each in its own process, joined in order with pypdf; only then, when the page count is known,
every page is stamped with its Bates number and "Page x of y" from a document of just those two lines a page
(`itg.pdf_tables.draw_page_stamps`), each of its pages drawn over a joined page as a form XObject (0.2 s
for 175 pages, against 1 s for pypdf's merge_page).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    Fit,
    NameObject,
    StreamObject,
)
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration

from itg import pdf_tables

# WeasyPrint logs every step at INFO; a 250-page response would flood the worker's log.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

FONTS_DIR = pdf_tables.FONTS_DIR
BATES_DIGITS = 6
DEFAULT_PDF_VARIANT = "pdf/a-3b"  # archival, allows embedded data files, and can be signed afterwards
_BATES_PREFIX_RE = re.compile(r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")
_EXHIBIT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,150}$")


def _font_face(family: str, filename: str, weight: str = "normal", style: str = "normal") -> str:
    url = (FONTS_DIR / filename).as_uri()
    return (
        f'@font-face {{ font-family: "{family}"; src: url("{url}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
    )


_FONT_FACES = "\n".join(
    [
        _font_face("ITG Serif", "LiberationSerif-Regular.ttf"),
        _font_face("ITG Serif", "LiberationSerif-Bold.ttf", weight="bold"),
        _font_face("ITG Serif", "LiberationSerif-Italic.ttf", style="italic"),
        _font_face("ITG Serif", "LiberationSerif-BoldItalic.ttf", weight="bold", style="italic"),
        _font_face("ITG Sans", "LiberationSans-Regular.ttf"),
        _font_face("ITG Sans", "LiberationSans-Bold.ttf", weight="bold"),
        _font_face("ITG Mono", "LiberationMono-Regular.ttf"),
    ]
)

#: Shared stylesheet for response templates. Applied to every render by `render_pdf`; a template may also
#: inline it. Margin boxes do not inherit the body's font, so each one names it explicitly.
BASE_CSS = (
    _FONT_FACES
    + """
@page {
  size: letter;
  margin: 2.2cm 2cm 2.4cm 2cm;
  @top-left { font-family: "ITG Sans"; font-size: 8pt; color: #444; }
  @top-right { font-family: "ITG Sans"; font-size: 8pt; color: #444; }
  @bottom-left { font-family: "ITG Sans"; font-size: 8pt; color: #444; }
  @bottom-center { font-family: "ITG Sans"; font-size: 8pt; color: #444; }
  @bottom-right { font-family: "ITG Sans"; font-size: 8pt; color: #000; }
}
html { font-family: "ITG Serif"; font-size: 11pt; line-height: 1.35; }
h1, h2, h3, h4, th { font-family: "ITG Sans"; }
code, pre, .mono { font-family: "ITG Mono"; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #888; padding: 2pt 4pt; text-align: left; vertical-align: top; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
"""
)


class BatesPdf(NamedTuple):
    """A rendered PDF and the Bates range stamped on it (inclusive); unpacks as (pdf, first, last)."""

    pdf: bytes
    first: int
    last: int


class ManifestEntry(NamedTuple):
    """One embedded data file as listed in a response: lets the recipient check what they received."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class DataExhibit:
    """A data file (CSV, JSON...) embedded in the response PDF rather than printed as pages."""

    name: str
    data: bytes
    description: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class LocalURLFetcher(weasyprint.urls.URLFetcher):
    """Fetch only `data:` URLs and local files under the given folders.

    Why: response HTML includes text from providers and requesters; even escaped, a stray URL must not make
    the renderer read arbitrary files or reach the network (SSRF). Refused URLs are skipped by WeasyPrint.
    """

    def __init__(self, allowed_dirs: Iterable[Path]) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self._allowed = [Path(d).resolve() for d in allowed_dirs]

    def fetch(self, url: str, headers=None):  # type: ignore[no-untyped-def]  # WeasyPrint's signature
        if url.lower().startswith("file:"):
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            if not any(path.is_relative_to(root) for root in self._allowed):
                raise ValueError(f"Refusing to read {url}: outside the allowed folders")
        return super().fetch(url, headers)


def bates_label(prefix: str, number: int) -> str:
    """The printed form of one Bates number, e.g. `ITG-TX-2026-00042-000001` (same padding as the CSS)."""
    return f"{prefix}-{number:0{BATES_DIGITS}d}"


def bates_css(prefix: str, start: int) -> str:
    """CSS stamping each page with `PREFIX-nnnnnn` (bottom right) and "Page x of y" (bottom centre).

    `!important` so that a template's own `@page` rules (`:blank`, `:first`, named pages) can neither hide a
    number nor reset the counter: a Bates range must be gapless, blank pages included. A private page
    counter serves "Page x" so that a template resetting `page` cannot skew it either.
    """
    _check_bates(prefix, start)
    return f"""
@counter-style itg-bates {{ system: extends decimal; pad: {BATES_DIGITS} "0"; }}
@page {{
  counter-increment: itg-bates itg-page !important;
  @bottom-right {{
    content: "{prefix}-" counter(itg-bates, itg-bates) !important;
    font-family: "ITG Sans" !important; font-size: 8pt; font-weight: bold;
  }}
  @bottom-center {{
    content: "Page " counter(itg-page) " of " counter(pages) !important;
    font-family: "ITG Sans" !important; font-size: 8pt;
  }}
}}
@page :first {{ counter-reset: itg-bates {start - 1} itg-page 0 !important; }}
"""


def _check_bates(prefix: str, start: int) -> None:
    # The prefix goes into a CSS string: a strict alphabet rules out any escape from it.
    if not _BATES_PREFIX_RE.fullmatch(prefix) or len(prefix) > 60:
        raise ValueError(f"Invalid Bates prefix {prefix!r}: letters, digits and single - _ . separators only")
    if start < 1:
        raise ValueError(f"Bates numbers start at 1, not {start}")


def exhibit_manifest(exhibits: Sequence[DataExhibit]) -> list[ManifestEntry]:
    """(name, sha256, size) for each data exhibit, in order; computed before rendering so the response
    can print it, which puts the hashes under the signature."""
    _check_exhibits(exhibits)
    return [ManifestEntry(e.name, e.sha256, len(e.data)) for e in exhibits]


def _check_exhibits(exhibits: Sequence[DataExhibit]) -> None:
    names = [e.name for e in exhibits]
    if len(set(names)) != len(names):
        raise ValueError("Two data exhibits share a name: the manifest would be ambiguous")
    for name in names:
        if not _EXHIBIT_NAME_RE.fullmatch(name):
            raise ValueError(f"Invalid exhibit file name {name!r}")


def _attachments(exhibits: Sequence[DataExhibit]) -> list[weasyprint.Attachment]:
    # AFRelationship /Data: the PDF/A-3 value for source data shown by (or behind) the pages.
    return [
        weasyprint.Attachment(
            string=e.data, name=e.name, description=e.description or None, relationship="Data"
        )
        for e in exhibits
    ]


def _allowed_dirs(base_url: str | None) -> list[Path]:
    # As for relative URLs: a base ending in "/" is that folder, otherwise the folder of the file named.
    dirs = [FONTS_DIR]
    if base_url and (base_url.startswith("/") or base_url.lower().startswith("file:")):
        path = url2pathname(urlsplit(base_url).path)
        dirs.append(Path(path) if path.endswith("/") else Path(path).parent)
    return dirs


def _render_document(html: str, base_url: str | None, extra_css: str = "") -> weasyprint.Document:
    # The font configuration and counter styles must be shared by the stylesheet and the render, or the
    # @font-face and @counter-style rules of a non-document stylesheet are silently ignored.
    font_config, counter_style = FontConfiguration(), CounterStyle()
    fetcher = LocalURLFetcher(_allowed_dirs(base_url))
    css = weasyprint.CSS(
        string=BASE_CSS + extra_css, font_config=font_config, counter_style=counter_style, url_fetcher=fetcher
    )
    source = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return source.render(stylesheets=[css], font_config=font_config, counter_style=counter_style)


def _write(
    document: weasyprint.Document, pdf_variant: str | None, attachments: Sequence[DataExhibit]
) -> bytes:
    _check_exhibits(attachments)
    return document.write_pdf(pdf_variant=pdf_variant, attachments=_attachments(attachments) or None)


def render_pdf(
    html: str,
    base_url: str | None = None,
    *,
    pdf_variant: str | None = DEFAULT_PDF_VARIANT,
    attachments: Sequence[DataExhibit] = (),
) -> bytes:
    """Render HTML (with `BASE_CSS`) to PDF bytes, PDF/A-3b by default, data exhibits embedded."""
    return _write(_render_document(html, base_url), pdf_variant, attachments)


def render_bates_pdf(
    html: str,
    *,
    prefix: str,
    start: int = 1,
    base_url: str | None = None,
    pdf_variant: str | None = DEFAULT_PDF_VARIANT,
    attachments: Sequence[DataExhibit] = (),
) -> BatesPdf:
    """Render and Bates-stamp every page in one pass: `PREFIX-000001`... and "Page x of y".

    `start` lets a later version of a response continue the range where the previous one stopped
    (pass the previous `last + 1`). Returns the PDF and the first and last numbers used.
    """
    document = _render_document(html, base_url, bates_css(prefix, start))
    pdf = _write(document, pdf_variant, attachments)
    return BatesPdf(pdf, start, start + len(document.pages) - 1)


def read_embedded_files(pdf_bytes: bytes) -> dict[str, bytes]:
    """The embedded files of a PDF by name: for checking a delivered response against its manifest."""
    reader = PdfReader(BytesIO(pdf_bytes))
    return {name: contents[0] for name, contents in reader.attachments.items() if contents}


class PdfPart(NamedTuple):
    """One part of a longer PDF, rendered on its own and joined after the parts before it: an HTML document
    (`html`) or a document of ruled tables drawn by `itg.pdf_tables` (`drawn`)."""

    html: str = ""
    #: The part carries on the previous part's last section: its top-level bookmarks go under that
    #: section's bookmark, as they would had the whole been one document.
    continues: bool = False
    drawn: pdf_tables.Document | None = None


# A part's template may not print in the margin boxes the stamp writes to (as `bates_css` forbids it).
_PART_CSS = "@page { @bottom-right { content: none !important } @bottom-center { content: none !important } }"


def render_bates_pdf_parts(
    parts: Sequence[PdfPart],
    *,
    prefix: str,
    start: int = 1,
    base_url: str | None = None,
    pdf_variant: str | None = DEFAULT_PDF_VARIANT,
    attachments: Sequence[DataExhibit] = (),
    workers: int = 1,
) -> BatesPdf:
    """`render_bates_pdf` of the parts joined in order, each part laid out in one of `workers` processes.

    The Bates range runs gapless across the parts (each part begins on a new page). The first part, which
    must be HTML, carries the PDF/A catalogue (output intent, metadata) and the data exhibits; a single HTML
    part is simply `render_bates_pdf`. Memory is bounded by the caller's part size times `workers`.
    """
    _check_bates(prefix, start)
    _check_exhibits(attachments)
    if not parts:
        raise ValueError("A document needs at least one part")
    if parts[0].drawn is not None:
        raise ValueError("The first part must be HTML: its catalogue makes the whole PDF/A")
    if len(parts) == 1:
        return render_bates_pdf(
            parts[0].html, prefix=prefix, start=start, base_url=base_url, pdf_variant=pdf_variant,
            attachments=attachments,
        )  # fmt: skip
    jobs = [
        (p.html, base_url, pdf_variant, attachments if i == 0 else (), p.drawn) for i, p in enumerate(parts)
    ]
    rendered = _render_parts(jobs, workers)
    pages = sum(count for _, count in rendered)
    stamp = _stamp(pages, prefix, start)
    return BatesPdf(_join(parts, [pdf for pdf, _ in rendered], stamp), start, start + pages - 1)


def _render_part(
    html: str, base_url: str | None, pdf_variant: str | None, attachments, drawn: pdf_tables.Document | None
) -> tuple[bytes, int]:
    if drawn is not None:
        return pdf_tables.draw_pdf(drawn)
    document = _render_document(html, base_url, _PART_CSS)
    return _write(document, pdf_variant, attachments), len(document.pages)


def _render_parts(jobs: list[tuple], workers: int) -> list[tuple[bytes, int]]:
    workers = min(workers, len(jobs))
    if workers <= 1:
        return [_render_part(*job) for job in jobs]
    from itg import forkserver

    # Largest first, so that no worker is left with a big part when the others are done (a drawn part costs
    # a thirtieth of HTML of the same length: it goes last).
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][0]))
    # children_allowed: the render task runs in a Celery prefork pool process, which is daemonic.
    pool = ProcessPoolExecutor(
        workers, mp_context=forkserver.context(), initializer=_watch_owner, initargs=(os.getpid(),)
    )
    with forkserver.children_allowed(), pool:
        futures = {i: pool.submit(_render_part, *jobs[i]) for i in order}
        return [futures[i].result() for i in range(len(jobs))]


def _watch_owner(owner: int) -> None:
    """In a render process: end when the process that asked for the render is gone (a killed Celery pool
    process). Forked by the forkserver, it is not that process's child and would otherwise wait forever on
    its queue, as the first runs of tests/test_faults_worker.py's kills left them."""

    def watch() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="itg-render-owner").start()


def _stamp(pages: int, prefix: str, start: int) -> bytes:
    """`pages` pages each showing only "Page x of y" and its Bates number where `bates_css` prints them."""
    return pdf_tables.draw_page_stamps(
        [(f"Page {n} of {pages}", bates_label(prefix, start + n - 1)) for n in range(1, pages + 1)]
    )


def _join(parts: Sequence[PdfPart], pdfs: Sequence[bytes], stamp: bytes) -> bytes:
    first = PdfReader(BytesIO(pdfs[0]))
    writer = PdfWriter(clone_from=first)  # the first part's catalogue: PDF/A output intent, XMP, data files
    writer.root_object.pop("/Outlines", None)  # rebuilt below with the other parts' bookmarks in place
    section = _copy_outline(writer, first, first.outline, 0, None)
    for part, pdf in zip(parts[1:], pdfs[1:], strict=True):
        reader = PdfReader(BytesIO(pdf))
        offset = len(writer.pages)
        writer.append(reader, import_outline=False)
        if part.continues and section is not None:
            _copy_outline(writer, reader, reader.outline, offset, section)
        else:
            section = _copy_outline(writer, reader, reader.outline, offset, None) or section
    stamps = PdfReader(BytesIO(stamp)).pages
    # The page's own content runs between q and Q, so whatever state it leaves, the stamp draws as laid out.
    save, restore = (writer._add_object(_content(data)) for data in (b"q\n", b"\nQ\n"))
    for number, (page, over) in enumerate(zip(writer.pages, stamps, strict=True), start=1):
        if page.mediabox != over.mediabox:
            raise ValueError(f"Page {number} is not the size of the Bates stamp ({over.mediabox})")
        _overlay(writer, page, over, save, restore)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _content(data: bytes) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _overlay(writer: PdfWriter, page: PageObject, over: PageObject, save, restore) -> None:
    """Draw `over` on `page` as a form XObject. Unlike pypdf's merge_page, which parses and rewrites the
    page's content stream (1 s for 134 pages of tables), this only adds references."""
    form = _content(over.get_contents().get_data())
    form.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(over.mediabox), NameObject("/Resources"): over["/Resources"].clone(writer),
    })  # fmt: skip
    name = NameObject("/ItgBates")
    draw = writer._add_object(_content(b"q " + name.encode() + b" Do Q\n"))
    resources = page["/Resources"]
    # Pages of one part share a resource dictionary: give each its own copy to hold its stamp.
    resources = page[NameObject("/Resources")] = DictionaryObject(resources)
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()))
    xobjects[name] = writer._add_object(form.flate_encode())
    resources[NameObject("/XObject")] = xobjects
    contents = page.raw_get("/Contents").get_object()
    own = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
    page[NameObject("/Contents")] = ArrayObject([save, *own, restore, draw])


def _copy_outline(writer: PdfWriter, reader: PdfReader, items: list, offset: int, parent):
    """Add a part's bookmarks under `parent` (the outline root when None); return the last one added at
    that level (the section a continuing part's bookmarks go under)."""
    # pypdf's outline: a list of destinations, each followed by a list of its children when it has any.
    last = None
    for item in items:
        if isinstance(item, list):
            _copy_outline(writer, reader, item, offset, last)
            continue
        page = reader.get_destination_page_number(item)
        fit = Fit.xyz(item.left, item.top, item.zoom) if item.typ == "/XYZ" else Fit.fit()
        last = writer.add_outline_item(title=item.title, page_number=offset + page, parent=parent, fit=fit)
    return last
