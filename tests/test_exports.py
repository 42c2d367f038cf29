"""The shared spreadsheet-safe writer: formula cells are neutralised in CSV and XLSX alike."""

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from itg.exports import rows_csv, rows_xlsx, safe_cell

DANGEROUS = ['=HYPERLINK("http://x")', "+12145550142", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_every_formula_start_is_quoted_and_plain_text_is_not():
    assert [safe_cell(v) for v in DANGEROUS] == ["'" + v for v in DANGEROUS]
    assert safe_cell("Acme Telecom") == "Acme Telecom"
    assert safe_cell(-3) == -3  # a number stays a number


def test_csv_rows_are_neutralised_and_round_trip():
    data = rows_csv(["name", "n", "at"], [[v, 1, dt.datetime(2026, 3, 5, tzinfo=dt.UTC)] for v in DANGEROUS])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == ["name", "n", "at"]
    assert [r[0] for r in rows[1:]] == ["'" + v for v in DANGEROUS]
    assert rows[1][2] == "2026-03-05T00:00:00+00:00"
    assert data.endswith(b"\r\n")


def test_xlsx_holds_no_formula_and_keeps_numbers():
    data = rows_xlsx(["name", "count"], [[v, 7] for v in DANGEROUS] + [[None, -2]], title="Findings")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Findings"
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ("name", "count")
    assert [v[0] for v in values[1:-1]] == ["'" + v for v in DANGEROUS]
    assert values[-1] == (None, -2)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
