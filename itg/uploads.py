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
import hashlib
import logging
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

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

    @property
    def flags(self) -> list[str]:
        return [
            name
            for name, on in (("javascript", self.has_javascript), ("launch", self.has_launch_action))
            if on
        ]


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks; `content` is the file object to store."""

    original_name: str
    size: int
    content_type: str
    sha256: str
    content: object = field(repr=False)
    pdf: PdfInfo | None = None

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]

    @property
    def pdf_flags(self) -> list[str]:
        return self.pdf.flags if self.pdf else []


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


def inspect_pdf(upload, name: str, field_name: str) -> PdfInfo:
    """Open the PDF with pypdf: refuse encrypted or damaged files, flag scripts and launch actions."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            raise _refuse(
                name,
                "this PDF is encrypted (password-protected). Send an unprotected copy: the ITG must be able "
                "to read and stamp it.",
                field_name,
            )
        pages = len(reader.pages)
        js, launch = _active_content(reader)
        text = _extract_text(reader)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise _refuse(name, f"this PDF is damaged and cannot be opened ({error}).", field_name) from None
    finally:
        upload.seek(0)
    return PdfInfo(pages=pages, has_javascript=js, has_launch_action=launch, text=text)


def _active_content(reader) -> tuple[bool, bool]:
    """Scan the catalog, the name tree and the pages' actions for /JavaScript and /Launch."""
    js = launch = False
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        js = True
    actions = [root.get("/OpenAction"), root.get("/AA")]
    for page in reader.pages[:500]:
        actions.append(page.get("/AA"))
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            actions += [obj.get("/A"), obj.get("/AA")]
    for action in actions:
        kinds = _action_kinds(action)
        js = js or "/JavaScript" in kinds
        launch = launch or "/Launch" in kinds
    return js, launch


def _action_kinds(action, depth: int = 0) -> set[str]:
    if action is None or depth > 5:
        return set()
    action = action.get_object()
    if not hasattr(action, "get"):
        return set()
    kinds = {str(action.get("/S"))} if action.get("/S") is not None else set()
    if "/JS" in action:
        kinds.add("/JavaScript")
    for key in action.keys() if "/S" not in action else ("/Next",):
        value = action.get(key)
        if value is not None and hasattr(value.get_object(), "get"):
            kinds |= _action_kinds(value, depth + 1)
    return kinds


def _extract_text(reader, max_pages: int = 60) -> str:
    parts = []
    for page in reader.pages[:max_pages]:
        try:
            parts.append(page.extract_text() or "")
        except Exception:  # noqa: BLE001 - a page pypdf cannot read leaves the prefill empty, not the upload refused
            log.info("pypdf could not extract text from a page")
    return "\n".join(parts)


def check_upload(
    upload, *, allowed: Iterable[str] = ATTACHMENT_TYPES, field_name: str = "file"
) -> CheckedFile:
    """Check one uploaded file; raise a ValidationError naming the file and what to fix."""
    allowed = frozenset(allowed)
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255]
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
    return CheckedFile(name or f"upload{EXTENSIONS[content_type]}", size, content_type, sha256, upload, pdf)


def new_key(prefix: str, checked: CheckedFile) -> str:
    """A generated storage key: nothing of the user's file name reaches the storage backend."""
    return f"{prefix.strip('/')}/{uuid.uuid4().hex}{checked.extension}"


class StoredFiles:
    """Keys stored during one write, deleted again if the write fails."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def save(self, prefix: str, checked: CheckedFile) -> str:
        checked.content.seek(0)
        key = default_storage.save(new_key(prefix, checked), checked.content)
        self.keys.append(key)
        return key

    def delete_all(self) -> None:
        for key in self.keys:
            delete_quietly(key)
        self.keys.clear()


@contextlib.contextmanager
def stored_files() -> Iterator[StoredFiles]:
    """Store files inside, open the transaction inside too: on any exception the files are deleted.

    Used outside any outer atomic block (services that take files are called from views, not from
    within a transaction), so leaving the block without an exception means the rows are committed.
    """
    files = StoredFiles()
    try:
        yield files
    except BaseException:
        files.delete_all()
        raise


def delete_quietly(key: str) -> None:
    try:
        default_storage.delete(key)
    except Exception:  # noqa: BLE001 - cleanup must not hide the original error
        log.exception("Could not delete stored object %s", key)


def open_stored(key: str):
    return default_storage.open(key, "rb")


def as_upload(data: bytes, name: str):
    """Wrap bytes as an upload (tests, seed data, generated documents)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_all(key: str) -> bytes:
    with open_stored(key) as handle:
        return handle.read()
