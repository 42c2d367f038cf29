"""Reading a calls CSV for the engine (used by `cluster_transcripts` and the benchmarks; no Django)."""

from __future__ import annotations

import csv
import pathlib

from tracebacks.detection.engine import Call

REQUIRED = ("id", "transcript")
OPTIONAL = ("calling_number", "called_number", "call_at", "recording")
# A field may be far longer than csv's default limit (128 KiB): a 1 MB transcript must be read, then skipped
# with its reason by the engine, not stop the whole file.
csv.field_size_limit(64 * 1024 * 1024)


class CallsFileError(ValueError):
    pass


def read_calls(path: pathlib.Path) -> tuple[list[Call], list[tuple[str, str]]]:
    """The calls of the file, and (row id or line, reason) for rows that cannot be read at all."""
    if not path.is_file():
        raise CallsFileError(f"{path}: no such file.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CallsFileError(f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8 CSV.") from exc
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [col for col in REQUIRED if col not in header]
    if missing:
        found = ", ".join(header) if header else "none (the file is empty)"
        raise CallsFileError(
            f"{path.name} has no {' and no '.join(repr(m) for m in missing)} column. Expected columns: "
            f"id, transcript (optional: {', '.join(OPTIONAL)}); found: {found}."
        )
    reader.fieldnames = header
    calls: list[Call] = []
    rejected: list[tuple[str, str]] = []
    seen: set[str] = set()
    base = path.parent
    for line, row in enumerate(reader, start=2):
        row_id = (row.get("id") or "").strip()
        if not row_id:
            rejected.append((f"line {line}", "no id"))
            continue
        if row_id in seen:
            rejected.append((row_id, f"line {line}: id already used on an earlier line"))
            continue
        seen.add(row_id)
        recording = (row.get("recording") or "").strip()
        if recording and not pathlib.Path(recording).is_absolute():
            recording = str(base / recording)
        transcript = row.get("transcript") or ""
        calls.append(
            Call(
                id=row_id,
                transcript=transcript,
                calling_number=(row.get("calling_number") or "").strip(),
                called_number=(row.get("called_number") or "").strip(),
                call_at=(row.get("call_at") or "").strip(),
                recording=recording,
            )
        )
    return calls, rejected
