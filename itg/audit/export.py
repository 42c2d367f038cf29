"""Export formats of the audit trail: JSON Lines (verifiable) and CSV (for spreadsheets).

A JSON Lines export carries every hashed field exactly as hashed, plus `hash`, so that
`python -m itg.audit.verify FILE` can recompute each event's hash and check the links between
consecutive events, with no access to the portal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from itg.audit.chain import AT, CHANGES, ROW_FIELDS, format_time
from itg.exports import csv_lines as _csv_lines


def jsonl_lines(rows: Iterable[tuple]) -> Iterator[str]:
    for row in rows:
        doc = dict(zip(ROW_FIELDS, row, strict=True))
        doc["at"] = format_time(row[AT])
        yield json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def csv_lines(rows: Iterable[tuple]) -> Iterator[str]:
    """The trail as CSV through the shared spreadsheet-safe writer (formula cells neutralised)."""

    def cells(row: tuple) -> list:
        cells = list(row)
        cells[AT] = format_time(row[AT])
        cells[CHANGES] = json.dumps(row[CHANGES], ensure_ascii=False, sort_keys=True)
        return cells

    return _csv_lines(ROW_FIELDS, (cells(row) for row in rows))
