"""Export formats of the audit trail: JSON Lines (verifiable) and CSV (for spreadsheets).

A JSON Lines export carries every hashed field exactly as hashed, plus `hash`, so that
`python -m itg.audit.verify FILE` can recompute each event's hash and check the links between
consecutive events, with no access to the portal.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from itg.audit.chain import AT, CHANGES, ROW_FIELDS, format_time

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def jsonl_lines(rows: Iterable[tuple]) -> Iterator[str]:
    for row in rows:
        doc = dict(zip(ROW_FIELDS, row, strict=True))
        doc["at"] = format_time(row[AT])
        yield json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> object:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection): quote it.
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_lines(rows: Iterable[tuple]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(ROW_FIELDS)
    for row in rows:
        cells = list(row)
        cells[AT] = format_time(row[AT])
        cells[CHANGES] = json.dumps(row[CHANGES], ensure_ascii=False, sort_keys=True)
        yield writer.writerow([_cell(cell) for cell in cells])
