"""Ruled tables drawn to PDF (`itg.pdf_tables`), and joined with HTML parts under one Bates range.

Read back with independent tools (poppler's pdftotext and pdffonts, pypdf), not with the drawer.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from itg import pdf_tables
from itg.pdf import PdfPart, bates_label, render_bates_pdf_parts
from itg.pdf_tables import Column, Document, Group, Heading, Note, Paragraph, Table, draw_pdf, wrap
from tests.test_pdf_signing import poppler

NBSP = "\u00a0"
COLUMNS = (Column("#", 10), Column("Provider (RMD number)"), Column("Asked (UTC)", 62), Column("Answer", 90))


def hops(n: int, count: int = 5) -> Group:
    rows: list = [
        (
            str(s),
            f"Carrier {n}-{s} Communications LLC (RMD000{s:05d})",
            f"2026-01-05{NBSP}1{s}:00",
            "Upstream",
        )
        for s in range(1, count + 1)
    ]
    rows.append(Note(f"origid 0000-{n}"))
    return Group(tuple(rows), title=f"Exhibit {n}: TB-{n:07d}", detail=f"Call from +1214555{n:04d}")


def pages_of(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    return poppler("pdftotext", "-layout", str(path), "-").split("\f")[:-1]


def test_wrapping_breaks_at_spaces_only_and_fits_a_long_word_by_size() -> None:
    width = pdf_tables.text_width("2026-01-05 14:00") - 1  # a time is one word: its space is a no-break one
    assert wrap(f"2026-01-05{NBSP}14:00", width) == [(f"2026-01-05{NBSP}14:00", pytest.approx(7.4, abs=0.1))]
    lines = wrap("Carrier Communications LLC (RMD0000012)", 60)
    assert [text for text, _ in lines] == ["Carrier", "Communications", "LLC", "(RMD0000012)"]
    assert all(pdf_tables.text_width(text, size=size) <= 60 for text, size in lines)
    assert [text for text, _ in wrap("one\ntwo", 400)] == ["one", "two"]


def test_a_long_table_repeats_its_column_names_and_keeps_each_group_on_one_page(tmp_path: Path) -> None:
    document = Document(
        (
            Heading("Part II. Exhibits"),
            Paragraph("Times are in UTC."),
            Table(COLUMNS, tuple(hops(n) for n in range(1, 41))),
        ),
        header_left="Industry Traceback Group · TX-1 · version 2",
        header_right="Confidential",
    )
    pdf, count = draw_pdf(document)

    pages = pages_of(pdf, tmp_path)
    assert len(pages) == count > 3
    for text in pages:
        assert "Provider (RMD number)" in text and "Asked (UTC)" in text  # the column names on every page
        assert "Industry Traceback Group · TX-1 · version 2" in text and "Confidential" in text
    for n in range(1, 41):  # a group is never split: its heading, its five hops and its note on one page
        holding = [i for i, text in enumerate(pages) if f"TB-{n:07d}" in text]
        assert len(holding) == 1
        text = pages[holding[0]]
        assert all(f"Carrier {n}-{s} Communications LLC (RMD000{s:05d})" in text for s in range(1, 6))
        assert f"origid 0000-{n}" in text
        # Each hop's provider and time on one line.
        assert re.search(rf"Carrier {n}-3 Communications LLC \(RMD00000003\)\s+2026-01-05 13:00", text)
    reader = PdfReader(BytesIO(pdf))
    assert [o.title if not isinstance(o, list) else len(o) for o in reader.outline] == [
        "Part II. Exhibits",
        40,
    ]
    assert reader.get_destination_page_number(reader.outline[1][-1]) == count - 1
    assert all(page.mediabox == [0, 0, 612, 792] for page in reader.pages)
    (tmp_path / "f.pdf").write_bytes(pdf)
    fonts = poppler("pdffonts", str(tmp_path / "f.pdf")).splitlines()[2:]
    assert fonts and all(" yes yes " in line for line in fonts), fonts  # every font embedded, subset


def test_nothing_is_drawn_past_a_column_or_in_the_margins(tmp_path: Path) -> None:
    long = "Ultra-Long-Named-Interconnect-Holdings-International-Wholesale-Voice-Termination-Services-LLC"
    wide, huge, digest = "x" * 55 + ".csv", "y" * 146 + ".csv", "f" * 64
    table = Table(
        (Column("File", nowrap=True), Column("Bytes", 44), Column("SHA-256", 272, nowrap=True)),
        (Group(((wide, "1", digest),)), Group(((long, "2", digest),)), Group(((huge, "3", digest),))),
    )
    pdf, _ = draw_pdf(Document((table,)))
    (tmp_path / "m.pdf").write_bytes(pdf)
    bbox = poppler("pdftotext", "-bbox", str(tmp_path / "m.pdf"), "-")
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', bbox
    )
    assert words
    for x_min, y_min, x_max, y_max, word in words:
        assert float(x_min) >= 56.6 and float(x_max) <= 612 - 56.6, word
        assert float(y_min) >= 2.2 * 72 / 2.54 - 0.5 and float(y_max) <= 792 - 2.4 * 72 / 2.54, word
    assert digest in bbox and wide in bbox  # whole, set smaller rather than split
    # Each value ends before the next column begins; one too wide even at 5 pt is broken, not overlapped.
    bytes_column = next(float(x_min) for x_min, _, _, _, word in words if word == "Bytes")
    in_file_column = [
        (word, float(x_max)) for x_min, _, x_max, _, word in words if float(x_min) < bytes_column
    ]
    assert all(x_max < bytes_column for _, x_max in in_file_column)
    assert "".join(
        word for word, _ in in_file_column if word.startswith("y") or word.endswith(".csv")
    ).endswith(huge)


def test_bad_tables_are_refused_with_what_to_fix() -> None:
    with pytest.raises(ValueError, match="pt too wide for the page"):
        draw_pdf(Document((Table((Column("a", 300), Column("b", 300)), ()),)))
    with pytest.raises(ValueError, match="At most one column"):
        draw_pdf(Document((Table((Column("a"), Column("b")), ()),)))
    with pytest.raises(ValueError, match="A row of 2 values in a table of 4 columns"):
        draw_pdf(Document((Table(COLUMNS, (Group((("1", "2"),)),)),)))
    with pytest.raises(ValueError, match="first part must be HTML"):
        render_bates_pdf_parts([PdfPart(drawn=Document((Paragraph("x"),)))], prefix="ITG-X")


def test_a_group_taller_than_a_page_breaks_between_its_rows(tmp_path: Path) -> None:
    pdf, count = draw_pdf(Document((Table(COLUMNS, (hops(1, count=120),)),)))
    pages = pages_of(pdf, tmp_path)
    assert count == len(pages) >= 2
    assert sum(text.count("Communications LLC") for text in pages) == 120


@pytest.mark.parametrize("workers", [1, 2])
def test_drawn_and_html_parts_join_under_one_bates_range_and_one_outline(
    tmp_path: Path, workers: int
) -> None:
    exhibits = Table(COLUMNS, tuple(hops(n) for n in range(1, 13)))
    parts = [
        PdfPart("<h1>Part I</h1><h3>Request 1</h3><p>one</p>"),
        PdfPart(drawn=Document((Heading("Part II"), exhibits))),
        PdfPart(drawn=Document((Table(COLUMNS, (hops(13),)),)), continues=True),
        PdfPart("<h1>Part III</h1><p>three</p>"),
    ]

    result = render_bates_pdf_parts(parts, prefix="ITG-TX-1", start=7, workers=workers)

    pages = pages_of(result.pdf, tmp_path)
    assert result.last - result.first + 1 == len(pages) >= 5
    for n, text in enumerate(pages, start=1):
        assert bates_label("ITG-TX-1", 6 + n) in text and f"Page {n} of {len(pages)}" in text
    reader = PdfReader(BytesIO(result.pdf))
    assert b'pdfaid:part="3"' in reader.xmp_metadata.stream.get_data()
    outline = [[o.title for o in item] if isinstance(item, list) else item.title for item in reader.outline]
    assert outline == [
        "Part I",
        ["Request 1"],
        "Part II",
        [f"Exhibit {n}: TB-{n:07d}" for n in range(1, 14)],
        "Part III",
    ]
    assert reader.get_destination_page_number(reader.outline[3][-1]) == len(pages) - 2


def test_what_the_font_cannot_show_is_printed_as_its_code_point_not_a_box(tmp_path: Path) -> None:
    """Liberation has Latin, Greek, Cyrillic and Hebrew; a control character or a letter of another script
    (a provider's name as filed) must not print as an empty box that says nothing."""
    assert pdf_tables.printable("Ωmega\x00Voice\tЖ ע ع 株") == "Ωmega Voice Ж ע [U+0639] [U+682A]"
    table = Table(
        (Column("Name"), Column("File", 100, nowrap=True)), (Group((("Voz\x07 ع LLC", "a\nb.csv"),)),)
    )
    pdf, _ = draw_pdf(Document((table,), header_left="Matter ع"))
    text = " ".join(pages_of(pdf, tmp_path))
    assert "Voz [U+0639] LLC" in text and "a b.csv" in text and "Matter [U+0639]" in text
