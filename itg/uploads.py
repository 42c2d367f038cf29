"""Upload safety, shared by every feature that accepts files (legal demands, case messages, letters).

What we accept is decided by the file's bytes, never by its name or the browser's content type:
PDF, PNG and JPEG by their signatures (`filetype`), DOCX and XLSX only when they are real OOXML zip
packages, CSV and TXT only when they decode as text with no NUL byte. The original name is kept as
data only; the object is stored under a generated key through Django's default storage (S3 in
production), with its SHA-256.

Call recordings (tracebacks) are audio, recognised by their signatures (`filetype`): WAV (RIFF/WAVE),
MP3 (ID3 tag or MPEG frame sync), M4A/MP4 (an ISO media `ftyp` box; a generic MP4 brand is accepted as
MP4 audio: recordings exported by phone systems and apps use it, and the container's tracks are not
parsed), OGG and FLAC. Transcripts are TXT or PDF; WebVTT and SubRip captions are plain text, so a
`.vtt` or `.srt` file is accepted as TXT when its bytes decode as text (they are stored with `.txt`).

PDF policy (decided here, once):
* an **encrypted** PDF is refused: the ITG could not read, extract or Bates-stamp it, and a password
  sent separately is a process we do not want; the office is asked to send an unprotected copy;
* a PDF with **JavaScript or launch actions** is accepted (a served legal document must be kept as
  served) but flagged: the flag is shown to staff and such a file is never shown inline, only
  downloaded as an attachment;
* a PDF that pypdf cannot parse is refused as damaged.

Rows and files are written together or not at all: `stored_files()` deletes every object it stored
when the block it guards raises (callers open their transaction inside it).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import logging
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse

from itg.filescan import Analysis, ParseLimit, analyse, analyse_bounded

log = logging.getLogger(__name__)

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
TXT = "text/plain"
WAV = "audio/wav"
MP3 = "audio/mpeg"
M4A = "audio/mp4"
OGG = "audio/ogg"
FLAC = "audio/flac"

EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx", XLSX: ".xlsx", CSV: ".csv", TXT: ".txt"}
LABELS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", DOCX: "DOCX", XLSX: "XLSX", CSV: "CSV", TXT: "TXT"}
ATTACHMENT_TYPES = frozenset(EXTENSIONS)
PDF_ONLY = frozenset({PDF})
EXTENSIONS |= {WAV: ".wav", MP3: ".mp3", M4A: ".m4a", OGG: ".ogg", FLAC: ".flac"}
LABELS |= {WAV: "WAV", MP3: "MP3", M4A: "M4A/MP4 audio", OGG: "OGG", FLAC: "FLAC"}
AUDIO_TYPES = frozenset({WAV, MP3, M4A, OGG, FLAC})
TRANSCRIPT_TYPES = frozenset({TXT, PDF})
# Call data files (tracebacks.calls sniffs and bounds these itself: gzip and zip are unpacked as streams).
GZIP = "application/gzip"
ZIP = "application/zip"
EXTENSIONS |= {GZIP: ".gz", ZIP: ".zip"}
LABELS |= {GZIP: "gzip", ZIP: "zip"}
# filetype's MIME names for the audio signatures we accept (ISO media with a video brand included).
_AUDIO_BY_FILETYPE = {
    "audio/x-wav": WAV, "audio/mpeg": MP3, "audio/mp4": M4A, "video/mp4": M4A, "audio/ogg": OGG,
    "audio/x-flac": FLAC,
}  # fmt: skip
_TEXT_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    has_javascript: bool
    has_launch_action: bool
    text: str = field(default="", repr=False)
    # The rest of `itg.filescan.FLAG_LABELS`: embedded files, XFA, polyglots...
    other_flags: tuple[str, ...] = ()

    @property
    def flags(self) -> list[str]:
        named = [
            name
            for name, on in (("javascript", self.has_javascript), ("launch", self.has_launch_action))
            if on
        ]
        return named + list(self.other_flags)


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks; `content` is the file object to store."""

    original_name: str
    size: int
    content_type: str
    sha256: str
    content: object = field(repr=False)
    pdf: PdfInfo | None = None
    other_flags: tuple[str, ...] = ()  # active content of a non-PDF file (macros, HTML polyglot)
    scan_status: str = "unscanned"  # itg.scanning FileScan.Status: clean, pending (quarantined), unscanned
    scan_error: str = ""

    @property
    def quarantined(self) -> bool:
        """Stored but not servable until the malware scanner, unreachable at upload, says it is clean."""
        return self.scan_status == "pending"

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]

    @property
    def flags(self) -> list[str]:
        """Every active-content flag (`itg.filescan.FLAG_LABELS`): a flagged file is never served inline."""
        return (self.pdf.flags if self.pdf else []) + list(self.other_flags)

    @property
    def pdf_flags(self) -> list[str]:
        """The flags as the existing `pdf_flags` columns store them (for any type, despite the name)."""
        return self.flags


def clean_name(name: str) -> str:
    """A file name safe to store and to send back: no folders (either slash), no control or format characters.

    Format characters (Unicode category Cf) include the bidirectional overrides and isolates (U+202A-U+202E,
    U+2066-U+2069) that make "invoice\u202efdp.exe" display as "invoiceexe.pdf", and zero-width characters;
    control characters (Cc) include CR and LF, which must never reach a header.
    """
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cc", "Zl", "Zp"))
    name = name.strip().lstrip(".") or ""
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) <= 16 else name[:255]
    return name


def _refuse(name: str, message: str, field_name: str) -> ValidationError:
    return ValidationError({field_name: f"{name or 'The file'}: {message}"})


def _sha256_and_head(upload) -> tuple[str, bytes]:
    digest = hashlib.sha256()
    upload.seek(0)
    head = b""
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        if len(head) < _TEXT_SNIFF_BYTES:
            head += chunk[: _TEXT_SNIFF_BYTES - len(head)]
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest(), head


def _ooxml_kind(upload) -> str | None:
    """DOCX or XLSX only if the zip is an Office Open XML package with the right main part."""
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


# Zip bombs (a DOCX or XLSX whose parts inflate to gigabytes) are refused at upload from the package's own
# directory, which states every part's size: nothing is inflated on the request path to find out. Office
# files compress XML about 5-20 to 1 and images not at all; 100 to 1 over the whole package, past 20 MB,
# is no document anybody typed. A directory that lies about the sizes is caught later by the bounded
# child process (itg/filescan.py), whose memory limit stops the inflation.
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 20 * 1024 * 1024
ZIP_MAX_EXPANDED = 2 * 1024**3


def zip_bomb_problem(upload, label: str) -> str | None:
    """What is wrong with a package that would expand too far, or None; reads only its directory."""
    try:
        with zipfile.ZipFile(upload) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a readable package: the type check has already said so
    finally:
        upload.seek(0)
    expanded = sum(info.file_size for info in members)
    packed = max(1, sum(info.compress_size for info in members))
    if expanded > ZIP_MAX_EXPANDED or (expanded > ZIP_RATIO_FLOOR and expanded / packed > ZIP_MAX_RATIO):
        return (
            f"this {label} would expand to {expanded / 1048576:,.0f} MB when opened, {expanded / packed:,.0f} "
            f'times its size (a "zip bomb"); a {label} may expand at most {ZIP_MAX_RATIO} times past '
            f"{ZIP_RATIO_FLOOR // 1048576} MB. Save it again from the program that made it, or send it as a PDF."
        )
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the sniff boundary is still text.
            if encoding == "utf-8" and error.start >= len(head) - 3:
                return True
    return False


def sniff_type(upload, head: bytes, name: str) -> str | None:
    """The content type the bytes prove, or None. The name only separates CSV from TXT."""
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in (PDF, PNG, JPEG):
            return kind.mime
        if kind.mime in _AUDIO_BY_FILETYPE:
            return _AUDIO_BY_FILETYPE[kind.mime]
        if kind.extension in ("zip", "docx", "xlsx"):
            return _ooxml_kind(upload)
        return None
    if head.startswith(b"%PDF-") or head[:1024].find(b"%PDF-") >= 0:
        return PDF
    if head and _is_text(head):
        return CSV if name.lower().endswith(".csv") else TXT
    return None


def _describe(head: bytes) -> str:
    kind = filetype.guess(head)
    if kind is None:
        return "a file of an unrecognised type"
    if kind.mime in ("application/x-msdownload", "application/x-executable", "application/x-elf"):
        return "a program"
    return f"a {kind.extension.upper()} file"


def _read_bytes(upload) -> bytes:
    upload.seek(0)
    try:
        return upload.read()
    finally:
        upload.seek(0)


def _limit_message(limit: ParseLimit, label: str) -> str:
    if limit.what == "time":
        budget = f"within {settings.UPLOAD_PARSE_SECONDS:g} seconds"
    else:
        budget = f"within {settings.UPLOAD_PARSE_MEMORY_MB} MB of memory"
    return (
        f"this {label} could not be read {budget}: it is built in a way that makes reading it extremely slow or "
        "large (a damaged or deliberately crafted file). Print or export it to a new file (for a PDF, "
        '"Save as PDF" or "Print to PDF") and upload that copy.'
    )


def analyse_upload(upload, kind: str, name: str, field_name: str, label: str) -> Analysis:
    """Parse the file in a bounded child process (`itg.filescan`); a spent budget is a clear refusal."""
    try:
        return analyse_bounded(
            _read_bytes(upload), kind, seconds=settings.UPLOAD_PARSE_SECONDS,
            memory_mb=settings.UPLOAD_PARSE_MEMORY_MB,
        )  # fmt: skip
    except ParseLimit as limit:
        log.warning("Upload %r hit the parse %s limit", name, limit.what)
        raise _refuse(name, _limit_message(limit, label), field_name) from None


def inspect_pdf(upload, name: str, field_name: str) -> PdfInfo:
    """Read the PDF in a bounded child: refuse encrypted or damaged files, flag every kind of active content."""
    found = analyse_upload(upload, "pdf", name, field_name, "PDF")
    if found.error and found.error[0] == "encrypted":
        raise _refuse(
            name,
            "this PDF is encrypted (password-protected). Send an unprotected copy: the ITG must be able "
            "to read and stamp it.",
            field_name,
        )
    if found.error:
        raise _refuse(name, f"this PDF is damaged and cannot be opened ({found.error[1]}).", field_name)
    flags = set(found.flags)
    return PdfInfo(
        pages=found.pages, has_javascript="javascript" in flags, has_launch_action="launch" in flags,
        text=found.text, other_flags=tuple(sorted(flags - {"javascript", "launch"})),
    )  # fmt: skip


def check_upload(
    upload, *, allowed: Iterable[str] = ATTACHMENT_TYPES, field_name: str = "file"
) -> CheckedFile:
    """Check one uploaded file; raise a ValidationError naming the file and what to fix."""
    allowed = frozenset(allowed)
    name = clean_name(getattr(upload, "name", "") or "")
    limit = settings.UPLOAD_MAX_BYTES
    size = upload.size
    if not size:
        raise _refuse(
            name, "the file is empty. Choose the file again; it may not have finished saving.", field_name
        )
    if size > limit:
        raise _refuse(
            name,
            f"the file is {size / 1048576:.1f} MB; the limit is {limit // 1048576} MB per file.",
            field_name,
        )
    sha256, head = _sha256_and_head(upload)
    content_type = sniff_type(upload, head, name)
    if content_type is None or content_type not in allowed:
        wanted = ", ".join(sorted(LABELS[t] for t in allowed))
        found = LABELS.get(content_type) if content_type else _describe(head)
        raise _refuse(name, f"this is {found}, whatever its name says; accepted here: {wanted}.", field_name)
    pdf = inspect_pdf(upload, name, field_name) if content_type == PDF else None
    other: list[str] = []
    if content_type in (DOCX, XLSX):
        if problem := zip_bomb_problem(upload, LABELS[content_type]):
            raise _refuse(name, problem, field_name)
        other = analyse_upload(upload, "ooxml", name, field_name, LABELS[content_type]).flags
    elif content_type in (PNG, JPEG):
        other = analyse(_read_bytes(upload), "other").flags  # a regular expression over the bytes: no parser
    scan = _scan(upload, name, field_name)
    return CheckedFile(
        name or f"upload{EXTENSIONS[content_type]}", size, content_type, sha256, upload, pdf, tuple(other),
        scan_status=scan.status, scan_error=scan.error,
    )  # fmt: skip


def _scan(upload, name: str, field_name: str):
    """ClamAV over its socket when configured: malware is refused before anything is stored."""
    from itg.scanning.services import scan_content

    outcome = scan_content(upload)
    if outcome.status == "infected":
        log.warning("Upload %r refused: ClamAV found %s", name, outcome.signature)
        raise _refuse(
            name,
            f"the malware scanner found {outcome.signature} in this file, so it was not accepted. Check the "
            "computer it came from, and send a clean copy.",
            field_name,
        )
    return outcome


def new_key(prefix: str, checked: CheckedFile) -> str:
    """A generated storage key: nothing of the user's file name reaches the storage backend."""
    return f"{prefix.strip('/')}/{uuid.uuid4().hex}{checked.extension}"


class StoredFiles:
    """Keys stored during one write, deleted again if the write fails."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def save(self, prefix: str, checked: CheckedFile) -> str:
        from itg.scanning.services import ScanOutcome, filescan_record

        checked.content.seek(0)
        key = default_storage.save(new_key(prefix, checked), checked.content)
        self.keys.append(key)
        # The scan row goes in the caller's transaction: a rolled-back write takes it along.
        filescan_record(
            key=key, sha256=checked.sha256, size=checked.size, flags=checked.flags,
            outcome=ScanOutcome(checked.scan_status, error=checked.scan_error),
        )  # fmt: skip
        return key

    def delete_all(self) -> None:
        for key in self.keys:
            delete_quietly(key)
        self.keys.clear()


# The innermost open `stored_files` block: a nested block hands its keys to it (see below).
_enclosing: contextvars.ContextVar[StoredFiles | None] = contextvars.ContextVar("stored_files", default=None)


@contextlib.contextmanager
def stored_files() -> Iterator[StoredFiles]:
    """Store files inside, open the transaction inside too: on any exception the files are deleted.

    Leaving the outermost block without an exception means the rows are committed. A block nested in
    another (the API's Idempotency-Key wraps the intake service in its own transaction, committed
    later) hands its keys to the enclosing block, so a failure of the outer commit (a database restart
    at that moment) still deletes the files it stored: no orphan object.
    """
    files = StoredFiles()
    parent = _enclosing.get()
    token = _enclosing.set(files)
    try:
        yield files
    except BaseException:
        files.delete_all()
        raise
    finally:
        _enclosing.reset(token)
    if parent is not None:
        parent.keys.extend(files.keys)


def delete_quietly(key: str) -> None:
    from itg.scanning.models import FileScan

    try:
        default_storage.delete(key)
    except Exception:  # noqa: BLE001 - cleanup must not hide the original error
        log.exception("Could not delete stored object %s", key)
    try:
        FileScan.objects.filter(storage_key=key).delete()
    except Exception:  # noqa: BLE001 - a broken transaction (the original error) rolls the row back anyway
        log.info("Scan row of %s left to the transaction's rollback", key)


# Downloads of uploaded files: never cached, never sniffed, flagged files never rendered.
SANDBOX_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def file_unavailable(scan) -> HttpResponse:
    """409 for a quarantined file: what happened and what the user can do."""
    if scan.status == "infected":
        text = (f"This file is quarantined: the malware scanner found {scan.signature} in it. It cannot be "
                "downloaded; ask the ITG for help if you need its content.")  # fmt: skip
        response = HttpResponse(text, status=409, content_type="text/plain; charset=utf-8")
    else:
        text = ("This file is waiting for its malware scan (the scanner was unavailable when it was uploaded). "
                "It will be downloadable once it is scanned; try again in a few minutes.")  # fmt: skip
        response = HttpResponse(text, status=409, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "300"
    response["Cache-Control"] = "no-store"
    return response


def no_store(response: HttpResponse) -> HttpResponse:
    """A download is never kept by a browser or a proxy (shared computers in AG offices, CJIS 5.10)."""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def file_response(
    key: str, *, filename: str, content_type: str | None = None, inline: bool = False, flags=()
) -> HttpResponse:
    """Serve an uploaded file: only after a clean scan, inline only when asked and not flagged.

    A flagged file (active content, polyglot) goes as an attachment with a sandbox CSP, so even a browser
    that renders it runs nothing in the portal's origin. The name is cleaned again (rows stored before
    names were cleaned)."""
    from django.http import FileResponse

    from itg.scanning.services import filescan_for

    scan = filescan_for(key)
    if scan is not None and not scan.servable:
        return file_unavailable(scan)
    flagged = bool(flags) or bool(scan and scan.flags)
    attachment = flagged or not inline
    response = FileResponse(open_stored(key), as_attachment=attachment, filename=clean_name(filename) or "file",
                            content_type=content_type)  # fmt: skip
    response["Content-Security-Policy"] = SANDBOX_CSP  # inline too: a PDF viewer needs no script of ours
    return no_store(response)


def open_stored(key: str):
    return default_storage.open(key, "rb")


def as_upload(data: bytes, name: str):
    """Wrap bytes as an upload (tests, seed data, generated documents)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
