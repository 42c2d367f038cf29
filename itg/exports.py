"""Spreadsheet-safe exports: the one writer for every CSV and XLSX file the portal produces.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets when the file is opened (CSV injection, OWASP "CSV Injection"). Provider names
come from the public RMD, which providers file themselves, and phone numbers are written `+1…`: every text
cell that starts that way is prefixed with an apostrophe, which spreadsheets show as text and never run.
Numbers, dates and booleans are written as themselves. Call `rows_csv`, `csv_lines` or `rows_xlsx`; never
`csv.writer` or openpyxl directly for a file a person will open.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: object) -> object:
    """The value as a spreadsheet may show it without running it: text that could start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _text(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return safe_cell(value)


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV file line by line (RFC 4180 line endings), for a StreamingHttpResponse."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([_text(cell) for cell in row])


def rows_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The whole CSV file as UTF-8 bytes (for files that are embedded, signed or attached)."""
    return "".join(csv_lines(header, rows)).encode("utf-8")


def rows_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Export") -> bytes:
    """An XLSX workbook of one sheet: a bold header row, then the rows; text cells neutralised as in CSV.

    openpyxl stores a string that starts with `=` as a formula, so neutralising matters twice here. The
    workbook is write-only (rows streamed, constant memory). Timezone-aware datetimes are written in UTC
    without their zone, since XLSX has none; the header should say so.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Export")
    bold = Font(bold=True)
    head = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=safe_cell(name))
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        sheet.append([_xlsx_value(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: object) -> object:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if value is None or isinstance(value, int | float | dt.date | bool):
        return value
    return safe_cell(str(value))


# --- Downloads of a list (the demand queue, the case list, the traceback list) -----------------------------
EXPORT_FORMATS = ("csv", "xlsx")
# An XLSX workbook is built in memory (openpyxl write-only still holds the zip until saved): past this many
# rows a person is asked to narrow the filters or take the CSV, which streams at constant memory.
XLSX_MAX_ROWS = 100_000


class ExportTooLarge(ValueError):
    """More rows than an XLSX download holds; the message says what to do."""


def check_export(fmt: str, count: int) -> None:
    """Refuse an unknown format (ValueError) or an XLSX of more than XLSX_MAX_ROWS rows (ExportTooLarge)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}: use csv or xlsx.")
    if fmt == "xlsx" and count > XLSX_MAX_ROWS:
        raise ExportTooLarge(
            f"{count:,} rows are more than a spreadsheet download holds ({XLSX_MAX_ROWS:,}): narrow the filters, "
            "or download the CSV, which has no limit."
        )


def download_response(fmt: str, name: str, header: Sequence[str], rows: Iterable[Sequence[object]], *,
                      title: str):  # fmt: skip
    """The list as an attachment `name.fmt`: CSV streamed line by line, XLSX as one workbook; never cached."""
    from django.http import HttpResponse, StreamingHttpResponse

    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(rows_xlsx(header, rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "private, no-store"  # shared computers in AG offices
    response["X-Content-Type-Options"] = "nosniff"
    return response


def filters_used(cleaned: dict) -> dict[str, str]:
    """The filters a download applied, as the audit trail keeps them (the empty ones left out)."""
    return {name: str(value) for name, value in cleaned.items() if value not in (None, "")}
