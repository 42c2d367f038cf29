"""Reading call data files safely: plain, gzip or zip; CSV, JSON Lines or a JSON array; streamed.

A file is never read whole into memory. Compressed input is bounded twice: by the decompressed size
(`CALL_IMPORT_MAX_DECOMPRESSED_MB`) and by the ratio of decompressed to compressed bytes once past the first
megabyte (`CALL_IMPORT_MAX_RATIO`: real CSV exports compress 5 to 15 times; a bomb compresses thousands of
times), so a gzip or zip bomb stops with a clear message after a bounded amount of work. A zip with an entry
name that climbs out of its folder (`../`, an absolute path, a drive letter) is refused outright.

Bytes that are not UTF-8 (a Latin-1 export, say) are read with `surrogateescape`, so the row they sit in is
rejected with its line number and the rest of the file is still read.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

csv.field_size_limit(1024 * 1024)  # one transcript may be long; a 1 MB field is not a CSV any more
_UNSAFE_NAME = re.compile(r"(^|[\\/])\.\.([\\/]|$)|^[\\/]|^[A-Za-z]:")
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
RATIO_GRACE = 1024 * 1024


class FileRefused(Exception):
    """The file as a whole cannot be read as the claimed format; nothing of it is imported."""


@dataclass
class Row:
    line: int
    fields: list[str]
    problem: str = ""

    def raw(self) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(self.fields)
        return out.getvalue().encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class _Counted(io.RawIOBase):
    """Counts the compressed bytes consumed (for progress) and bounds what is decompressed from them."""

    def __init__(self, inner, *, outer=None, compressed: bool = False) -> None:
        self.inner, self.outer, self.compressed, self.count = inner, outer, compressed, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        self.count += len(data)
        if self.compressed:
            _check_bounds(self.count, self.outer.count if self.outer else 0)
        buffer[: len(data)] = data
        return len(data)


def _check_bounds(out_bytes: int, in_bytes: int) -> None:
    limit = settings.CALL_IMPORT_MAX_DECOMPRESSED_MB * 1024 * 1024
    if out_bytes > limit:
        raise FileRefused(
            f"The file decompresses to more than {settings.CALL_IMPORT_MAX_DECOMPRESSED_MB} MB; "
            "split it into smaller files."
        )
    ratio = settings.CALL_IMPORT_MAX_RATIO
    if out_bytes > RATIO_GRACE and in_bytes and out_bytes / in_bytes > ratio:
        raise FileRefused(
            f"The file decompresses more than {ratio} times its size, which no real export does "
            "(a compression bomb?); it was not imported."
        )


def describe(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.startswith(b"PK\x03\x04"):
        return "a zip archive (an Office document?)"
    if head[:8] in (b"\x89PNG\r\n\x1a\n",) or head.startswith(b"\xff\xd8\xff"):
        return "an image"
    if b"\x00" in head:
        return "binary data"
    return "text"


@dataclass
class Opened:
    binary: io.BufferedIOBase  # the decompressed bytes of the data member
    progress: _Counted  # count = compressed bytes read so far
    members: list[str]  # the other entries of a zip (e.g. recordings), by safe name
    archive: zipfile.ZipFile | None = None


def open_data(handle, *, allow_extra_members: bool = False) -> Opened:
    """Open a stored file (a binary file object) as its data stream, unwrapping gzip or zip."""
    head = handle.read(4)
    handle.seek(0)
    outer = _Counted(handle)
    if head[:2] == b"\x1f\x8b":
        inner = _Counted(gzip.GzipFile(fileobj=io.BufferedReader(outer)), outer=outer, compressed=True)
        return Opened(io.BufferedReader(inner, 1 << 20), outer, [])
    if head == b"PK\x03\x04":
        return _open_zip(handle, outer, allow_extra_members)
    return Opened(io.BufferedReader(outer, 1 << 20), outer, [])


def _open_zip(handle, outer: _Counted, allow_extra: bool) -> Opened:
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile:
        raise FileRefused("The file looks like a zip archive but cannot be opened (damaged?).") from None
    entries = [i for i in archive.infolist() if not i.is_dir()]
    for info in entries:
        if _UNSAFE_NAME.search(info.filename):
            raise FileRefused(
                f"The zip has an entry named {info.filename!r} that points outside the archive."
            )
    data = [i for i in entries if i.filename.lower().rsplit(".", 1)[-1] in {"csv", "jsonl", "json", "txt"}]
    if len(data) != 1:
        names = ", ".join(i.filename for i in entries[:10]) or "nothing"
        raise FileRefused(f"The zip must hold exactly one CSV or JSON Lines file; it holds {names}.")
    if not allow_extra and len(entries) > 1:
        raise FileRefused("The zip must hold only the data file for this source.")
    info = data[0]
    _check_bounds(info.file_size, max(info.compress_size, 1))
    member = archive.open(info)
    counted = _Counted(member, compressed=True)
    counted.outer = _Fixed(info.compress_size)
    extra = [i.filename for i in entries if i is not info]
    return Opened(io.BufferedReader(counted, 1 << 20), counted, extra, archive)


class _Fixed:
    def __init__(self, count: int) -> None:
        self.count = count


def _text(binary) -> io.TextIOWrapper:
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")


def sniff_kind(binary: io.BufferedReader) -> str:
    """'csv', 'jsonl' or 'json' from the first bytes; FileRefused for an empty or binary file."""
    head = binary.peek(65536)[:65536]
    if not head.strip(codecs.BOM_UTF8 + b" \r\n\t"):
        raise FileRefused("The file is empty: there is no header and no row to import.")
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise FileRefused(f"Expected a CSV or JSON Lines text file; found {describe(head)}.")
    first = head.lstrip(codecs.BOM_UTF8 + b" \r\n\t")[:1]
    return {b"{": "jsonl", b"[": "json"}.get(first, "csv")


NOT_UTF8_ROW = "The row has bytes that are not UTF-8 (Latin-1?): save the file as UTF-8."


def unreadable_row(error: csv.Error) -> str:
    return f"Not a readable CSV row ({error})."


def wrong_width(expected: int, found: int) -> str:
    return f"Expected {expected} fields, found {found} (a shifted or broken row)."


def not_utf8(fields: list[str]) -> bool:
    """Bytes that are not UTF-8 were read as lone surrogates (`surrogateescape`); ASCII has none."""
    joined = "".join(fields)
    return not joined.isascii() and _NOT_UTF8.search(joined) is not None


def csv_reader(binary):
    """The header (names stripped) and the csv reader, positioned at the first data row."""
    reader = csv.reader(_text(binary))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise FileRefused("The file is empty: there is no header and no row to import.") from None
    except csv.Error as error:
        raise FileRefused(f"The first line is not a CSV header ({error}).") from None
    return header, reader


def csv_rows(binary) -> tuple[list[str], Iterator[Row]]:
    """The header and the data rows; blank lines are skipped."""
    header, reader = csv_reader(binary)
    return header, data_rows(header, reader)


def data_rows(header: list[str], reader) -> Iterator[Row]:
    """Each data row with its line (the last physical line of a record spanning several) and the
    problem that rejects it as a whole, if any. `pgcopy.copy_chunks` reads the same way, row for row."""
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Row(reader.line_num, [], unreadable_row(error))
            continue
        if not fields or fields == [""]:
            continue
        row = Row(reader.line_num, fields)
        if not_utf8(fields):
            row.problem = NOT_UTF8_ROW
        elif len(fields) != len(header):
            row.problem = wrong_width(len(header), len(fields))
        yield row


def json_rows(binary, kind: str) -> tuple[list[str] | None, Iterator[tuple[int, dict | None, str, str]]]:
    """(line, object or None, raw text, problem) for JSON Lines, or for the elements of a JSON array."""
    text = _text(binary)
    return None, (_jsonl(text) if kind == "jsonl" else _json_array(text))


def _jsonl(text) -> Iterator[tuple[int, dict | None, str, str]]:
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        raw = line.rstrip("\r\n")
        if _NOT_UTF8.search(raw):
            yield (
                number,
                None,
                raw,
                "The line has bytes that are not UTF-8 (Latin-1?): save the file as UTF-8.",
            )
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            yield number, None, raw, f"Not valid JSON ({error.msg} at column {error.colno})."
            continue
        yield (
            (number, value, raw, "") if isinstance(value, dict) else (number, None, raw, "Not a JSON object.")
        )


def _json_array(text, block: int = 1 << 20) -> Iterator[tuple[int, dict | None, str, str]]:
    """Elements of a top-level JSON array (the FCC open-data JSON export), decoded one at a time."""
    decoder = json.JSONDecoder()
    buffer, position, line, started, index = "", 0, 1, False, 0
    while True:
        stripped = buffer[position:].lstrip(" \r\n\t,")
        line += buffer[position : len(buffer) - len(stripped)].count("\n")
        buffer, position = stripped, 0
        if not started and buffer.startswith("["):
            buffer, started = buffer[1:], True
            continue
        if buffer.startswith("]"):
            return
        try:
            value, end = decoder.raw_decode(buffer)
        except json.JSONDecodeError as error:
            more = text.read(block)
            if more:
                buffer += more
                continue
            if buffer.strip():
                yield line, None, buffer[:500], f"Not valid JSON ({error.msg})."
            return
        index += 1
        raw = buffer[:end]
        ok = isinstance(value, dict)
        yield line, value if ok else None, raw, "" if ok else "Not a JSON object."
        line += raw.count("\n")
        position = end
