"""Ruled tables drawn straight to PDF with ReportLab, for the long tabular parts of a document.

Why not WeasyPrint, which renders the rest: its table layout is pure Python and costs about a third of a
second of CPU a page of ruled rows (measured on this project's 2-core machines: 50 traceback exhibits, 12
pages, 3.6 s to lay out and 0.8 s to write; a response of 500 tracebacks, 20 s on two cores). The same rows
drawn here take 0.13 s for the 50. So the parts of a response that are long tables (its exhibits and its
index) are drawn here, and `itg.pdf.render_bates_pdf_parts` joins them to the WeasyPrint parts, stamps the
Bates numbers on every page and hands the whole to the signer. ReportLab (BSD, maintained since 2000) sets
the text in the same embedded Liberation fonts and keeps only the subset of glyphs used.

The look is the response stylesheet's (`subpoenas/responses/templates/responses/package.html`): letter
pages with its margins and running heads, "ITG Sans" 7.5 pt on 9 pt lines, navy rules above and below a
table and under its column names, light rules between rows. A group of rows (a traceback) is headed by a
row naming it, which is also its bookmark, and moves whole to the next page when it does not fit (a group
taller than a page breaks between rows); the column names repeat on each page the table runs onto.

Values break only at ordinary spaces: a no-break space holds a value together (a time, a hop number). A
word wider than its column is set smaller to fit it (down to 5 pt) rather than split, and a value in a
column marked `nowrap` (a file name, a digest) likewise; only what is still too wide at 5 pt is broken
between characters. Nothing is drawn past a column's edge or in the margins.

Django-free and picklable (plain frozen dataclasses): documents are drawn in the renderer's worker
processes, as the HTML parts are laid out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
SANS, SANS_BOLD, SERIF = "ITGSans", "ITGSans-Bold", "ITGSerif"
for _name, _file in (
    (SANS, "LiberationSans-Regular.ttf"),
    (SANS_BOLD, "LiberationSans-Bold.ttf"),
    (SERIF, "LiberationSerif-Regular.ttf"),
):
    pdfmetrics.registerFont(TTFont(_name, str(FONTS_DIR / _file)))

# The page of `itg.pdf.BASE_CSS`: letter, margins 2.2 cm top, 2 cm sides, 2.4 cm bottom (where the stamp goes).
CM = 72 / 2.54
PAGE_WIDTH, PAGE_HEIGHT = 612.0, 792.0
LEFT, RIGHT, TOP, BOTTOM = 2 * CM, PAGE_WIDTH - 2 * CM, PAGE_HEIGHT - 2.2 * CM, 2.4 * CM
WIDTH = RIGHT - LEFT
# The stylesheet's #1f3a5f, #999, #444, #333 and #a3262a.
NAVY, RULE, GREY, NOTE = (0.122, 0.227, 0.373), (0.6, 0.6, 0.6), (0.267, 0.267, 0.267), (0.2, 0.2, 0.2)
ALERT = (0.639, 0.149, 0.165)
# Liberation's ascender and descender in ems: type of a size is centred on its line by these.
ASCENT, DESCENT = 0.905, 0.212
SIZE, LEADING, PAD_X, PAD_Y = 7.5, 9.0, 2.0, 1.0  # table cells
HEAD_SIZE, HEAD_LEADING, HEAD_PAD_TOP = 8.5, 10.5, 7.0  # a group's heading row
MIN_SIZE = 5.0
NOTE_INDENT = 12.0


@dataclass(frozen=True)
class Column:
    title: str
    #: Points of text (the cell's padding excluded); the one column left None takes the rest of the width.
    width: float | None = None
    #: Kept on one line, set smaller if need be (a file name, a digest).
    nowrap: bool = False


@dataclass(frozen=True)
class Note:
    """A row whose text spans the columns from `start`, indented: an annotation of the row above."""

    text: str
    start: int = 1


@dataclass(frozen=True)
class Group:
    """Rows kept together on a page, headed (when `title` is set) by a bold row that is also a bookmark."""

    rows: tuple[tuple[str, ...] | Note, ...]
    title: str = ""
    detail: str = ""  # the heading row's further text, under the title


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1: a part's title (16 pt), 2: a section within it (13 pt)
    bookmark: bool = True


@dataclass(frozen=True)
class Paragraph:
    text: str
    size: float = 8.0  # serif, as a response's small print


@dataclass(frozen=True)
class Document:
    blocks: tuple[Heading | Paragraph | Table, ...]
    header_left: str = ""
    header_right: str = ""
    header_alert: bool = False  # the right-hand head in bold red (the development signature's warning)


_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def printable(text: str, font: str = SANS) -> str:
    """`text` as the font can show it: a control character as a space, a character the font has no glyph
    for (Liberation covers Latin, Greek, Cyrillic and Hebrew) as its code point, "[U+0639]", rather than an
    empty box that says nothing. The data files embedded beside the tables keep the text as it is."""
    text = _CONTROL.sub(" ", text)
    if text.isascii():
        return text
    glyphs = pdfmetrics.getFont(font).face.charToGlyph
    return "".join(c if c == "\n" or ord(c) in glyphs else f"[U+{ord(c):04X}]" for c in text)


def text_width(text: str, font: str = SANS, size: float = SIZE) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def wrap(text: str, width: float, font: str = SANS, size: float = SIZE) -> list[tuple[str, float]]:
    """`text` as lines no wider than `width`, each with its font size: broken at ordinary spaces and line
    breaks only; a word too wide for the width alone is fitted (`fit_word`)."""
    lines: list[tuple[str, float]] = []
    for paragraph in printable(text, font).split("\n"):
        if text_width(paragraph, font, size) <= width:
            lines.append((paragraph, size))
            continue
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, font, size) <= width:
                line = candidate
                continue
            if line:
                lines.append((line, size))
            if text_width(word, font, size) <= width:
                line = word
            else:
                lines += fit_word(word, width, font, size)
                line = ""
        if line:
            lines.append((line, size))
    return lines or [("", size)]


def fit_word(word: str, width: float, font: str = SANS, size: float = SIZE) -> list[tuple[str, float]]:
    """One word in `width`: as it is if it fits, else set smaller (down to `MIN_SIZE`), and only if it is
    still too wide, broken between characters at that size (a 150-character file name in a narrow column)."""
    natural = text_width(word, font, size)
    if natural <= width:
        return [(word, size)]
    fitted = size * width / natural * 0.999
    if fitted >= MIN_SIZE:
        return [(word, fitted)]
    lines, line = [], ""
    for char in word:
        if line and text_width(line + char, font, MIN_SIZE) > width:
            lines.append((line, MIN_SIZE))
            line = ""
        line += char
    return [*lines, (line, MIN_SIZE)]


def draw_pdf(document: Document) -> tuple[bytes, int]:
    """The document as PDF bytes and its page count."""
    return _Drawing(document).run()


def draw_page_stamps(lines: Sequence[tuple[str, str]]) -> bytes:
    """One letter page for each (centre, right) pair, drawn only where `itg.pdf.bates_css` prints its two
    lines in the bottom margin ("Page x of y" centred, the Bates number bold at the right): pages to lay
    over a document's own."""
    out = BytesIO()
    canvas = _canvas(out)
    baseline = _margin_baseline(BOTTOM, 0)
    for centre, right in lines:
        canvas.setFont(SANS, 8)
        canvas.drawCentredString(LEFT + WIDTH / 2, baseline, centre)
        canvas.setFont(SANS_BOLD, 8)
        canvas.drawRightString(RIGHT, baseline, right)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _canvas(out: BytesIO) -> Canvas:
    # invariant: no creation date or random id, the same document gives the same bytes. The initial font is
    # one of ours: ReportLab's default, Helvetica, is not embedded and PDF/A forbids that.
    return Canvas(
        out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1, initialFontName=SANS
    )


def _margin_baseline(top: float, bottom: float) -> float:
    """The baseline of a margin box's line (`BASE_CSS`: 8 pt type on a 1.35 line) centred between two
    heights: the running heads in the top margin, the page and Bates numbers in the bottom one."""
    return _baseline((top + bottom) / 2 + 8 * 1.35 / 2, 8, 8 * 1.35)


def _baseline(top: float, size: float, leading: float) -> float:
    """The baseline of a line box of `leading` whose top is at `top`, type of `size` centred in it."""
    return top - (leading - size * (ASCENT + DESCENT)) / 2 - size * ASCENT


class _Drawing:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.out = BytesIO()
        self.canvas = _canvas(self.out)
        self.pages = 0
        self.y = TOP
        self.outline_level = -1  # of the last bookmark: ReportLab's outline goes down one level at a time
        self.heading_level = 0  # outline level of the last heading; a table's groups go one below it
        self.bookmarks = 0

    def run(self) -> tuple[bytes, int]:
        self.new_page()
        for block in self.document.blocks:
            if isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Paragraph):
                self.paragraph(block)
            else:
                self.table(block)
        self.canvas.showPage()
        self.canvas.save()
        return self.out.getvalue(), self.pages

    # Pages

    def new_page(self) -> None:
        if self.pages:
            self.canvas.showPage()
        self.pages += 1
        self.y = TOP
        doc, canvas = self.document, self.canvas
        baseline = _margin_baseline(PAGE_HEIGHT, TOP)  # the running heads of BASE_CSS's top margin boxes
        if doc.header_left:
            canvas.setFillColorRGB(*GREY)
            canvas.setFont(SANS, 8)
            canvas.drawString(LEFT, baseline, _fit_line(doc.header_left, WIDTH / 2, SANS, 8))
        if doc.header_right:
            font = SANS_BOLD if doc.header_alert else SANS
            canvas.setFillColorRGB(*(ALERT if doc.header_alert else GREY))
            canvas.setFont(font, 8)
            canvas.drawRightString(RIGHT, baseline, _fit_line(doc.header_right, WIDTH / 2, font, 8))
        canvas.setFillColorRGB(0, 0, 0)

    def room(self) -> float:
        return self.y - BOTTOM

    def bookmark(self, title: str, level: int) -> None:
        level = max(0, min(level, self.outline_level + 1))
        self.bookmarks += 1
        key = f"b{self.bookmarks}"
        self.canvas.bookmarkPage(key, fit="XYZ", left=0, top=self.y)
        self.canvas.addOutlineEntry(title, key, level=level, closed=True)
        self.outline_level = level

    # Blocks

    def heading(self, block: Heading) -> None:
        size = 16.0 if block.level <= 1 else 13.0
        leading = size * 1.35
        before = 0.0 if self.y == TOP or block.level <= 1 else 14.0
        lines = wrap(block.text, WIDTH, SANS_BOLD, size)
        # Kept with what follows: at least a few lines of it must fit under the heading.
        if self.y != TOP and self.room() < before + leading * len(lines) + 6 + 4 * LEADING:
            self.new_page()
            before = 0.0
        self.y -= before
        level = block.level - 1
        if block.bookmark:
            self.bookmark(block.text, level)
        self.heading_level = level + 1 if block.bookmark else self.heading_level
        self.canvas.setFillColorRGB(0, 0, 0)
        for text, fitted in lines:
            self.canvas.setFont(SANS_BOLD, fitted)
            self.canvas.drawString(LEFT, _baseline(self.y, size, leading), text)
            self.y -= leading
        self.y -= 6

    def paragraph(self, block: Paragraph) -> None:
        leading = block.size * 1.35
        for text, fitted in wrap(block.text, WIDTH, SERIF, block.size):
            if self.room() < leading:
                self.new_page()
            self.canvas.setFont(SERIF, fitted)
            self.canvas.drawString(LEFT, _baseline(self.y, block.size, leading), text)
            self.y -= leading
        self.y -= 6

    def table(self, table: Table) -> None:
        layout = _TableLayout(table.columns)
        head = layout.header()
        groups = [layout.group(g) for g in table.groups]
        first = groups[0].height if groups else 0
        if self.y != TOP and self.room() < head.height + min(first, 4 * LEADING):
            self.new_page()
        self.table_top(layout, head)
        for group, laid in zip(table.groups, groups, strict=True):
            fits_a_page = laid.height <= TOP - BOTTOM - head.height - 1
            if laid.height > self.room() and fits_a_page:
                self.table_page_break(layout, head)
            if group.title:
                if laid.heading.height > self.room():
                    self.table_page_break(layout, head)
                self.bookmark(group.title, self.heading_level)
                self.draw_row(laid.heading)
            for row in laid.rows:
                if row.height > self.room():
                    self.table_page_break(layout, head)
                self.draw_row(row)
        self.rule(0.75, NAVY)
        self.y -= 8

    def table_top(self, layout: _TableLayout, head: _Row) -> None:
        self.rule(0.75, NAVY, below=False)
        self.draw_row(head)

    def table_page_break(self, layout: _TableLayout, head: _Row) -> None:
        self.rule(0.75, NAVY)
        self.new_page()
        self.table_top(layout, head)

    def rule(self, weight: float, colour: tuple[float, ...], below: bool = True) -> None:
        """A horizontal rule across the table at the current height, taking its own weight of space."""
        canvas = self.canvas
        canvas.setLineWidth(weight)
        canvas.setStrokeColorRGB(*colour)
        middle = self.y - weight / 2
        canvas.line(LEFT, middle, RIGHT, middle)
        self.y -= weight

    def draw_row(self, row: _Row) -> None:
        canvas = self.canvas
        top = self.y - row.pad_top
        for cell in row.cells:
            canvas.setFillColorRGB(*cell.colour)
            y = top
            for text, size in cell.lines:
                canvas.setFont(cell.font, size)
                canvas.drawString(cell.x, _baseline(y, cell.size, cell.leading), text)
                y -= cell.leading
        self.y -= row.height - row.rule
        self.rule(row.rule, row.rule_colour)


@dataclass
class _Cell:
    x: float
    lines: list[tuple[str, float]]
    font: str = SANS
    size: float = SIZE
    leading: float = LEADING
    colour: tuple[float, ...] = (0, 0, 0)


@dataclass
class _Row:
    cells: list[_Cell]
    height: float  # padding, lines and the rule below
    pad_top: float
    rule: float
    rule_colour: tuple[float, ...]


@dataclass
class _LaidGroup:
    heading: _Row | None
    rows: list[_Row]

    @property
    def height(self) -> float:
        return (self.heading.height if self.heading else 0) + sum(r.height for r in self.rows)


class _TableLayout:
    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        fixed = sum(c.width + 2 * PAD_X for c in self.columns if c.width is not None)
        free = [c for c in self.columns if c.width is None]
        if len(free) > 1:
            raise ValueError("At most one column may take the rest of the width")
        rest = WIDTH - fixed - 2 * PAD_X * len(free)
        if rest < 0 or (free and rest < 20):
            raise ValueError(
                f"The columns are {-rest if rest < 0 else 20 - rest:.0f} pt too wide for the page"
            )
        self.widths = [c.width if c.width is not None else rest for c in self.columns]
        self.lefts = []
        x = LEFT
        for width in self.widths:
            self.lefts.append(x)
            x += width + 2 * PAD_X

    def header(self) -> _Row:
        cells = [
            _Cell(x + PAD_X, wrap(c.title, w, SANS_BOLD))
            for c, w, x in zip(self.columns, self.widths, self.lefts, strict=True)
        ]
        lines = max(len(c.lines) for c in cells)
        for cell in cells:  # vertical-align: bottom
            cell.lines = [("", SIZE)] * (lines - len(cell.lines)) + cell.lines
            cell.font = SANS_BOLD
        return _Row(cells, 2 * PAD_Y + lines * LEADING + 0.5, PAD_Y, 0.5, NAVY)

    def row(self, values: tuple[str, ...] | Note) -> _Row:
        if isinstance(values, Note):
            start = min(values.start, len(self.columns) - 1)
            x = self.lefts[start] + NOTE_INDENT
            width = RIGHT - x - PAD_X
            cells = [_Cell(x, wrap(values.text, width), colour=NOTE)]
        else:
            if len(values) != len(self.columns):
                raise ValueError(f"A row of {len(values)} values in a table of {len(self.columns)} columns")
            cells = [
                _Cell(x + PAD_X, fit_word(printable(v).replace("\n", " "), w) if c.nowrap else wrap(v, w))
                for v, c, w, x in zip(values, self.columns, self.widths, self.lefts, strict=True)
            ]
        lines = max(len(c.lines) for c in cells)
        return _Row(cells, 2 * PAD_Y + lines * LEADING + 0.25, PAD_Y, 0.25, RULE)

    def group(self, group: Group) -> _LaidGroup:
        heading = None
        if group.title:
            lines = wrap(group.title, WIDTH - 2 * PAD_X, SANS_BOLD, HEAD_SIZE)
            title = _Cell(LEFT + PAD_X, lines, SANS_BOLD, HEAD_SIZE, HEAD_LEADING)
            cells = [title]
            count = len(lines)
            if group.detail:
                detail = wrap(group.detail, WIDTH - 2 * PAD_X, SANS, HEAD_SIZE)
                cells.append(
                    _Cell(LEFT + PAD_X, [("", HEAD_SIZE)] * count + detail, SANS, HEAD_SIZE, HEAD_LEADING)
                )
                count += len(detail)
            heading = _Row(cells, HEAD_PAD_TOP + count * HEAD_LEADING + PAD_Y + 0.5, HEAD_PAD_TOP, 0.5, NAVY)
        return _LaidGroup(heading, [self.row(r) for r in group.rows])


def _fit_line(text: str, width: float, font: str, size: float) -> str:
    """A running head cut to its half of the page, with an ellipsis, rather than run into the other."""
    text = printable(text, font).replace("\n", " ")
    if text_width(text, font, size) <= width:
        return text
    while text and text_width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
