"""Reading an uploaded file's structure, bounded: the parse runs in a child process with a time and memory limit.

A parser is the part of the portal an attacker reaches with the least effort: a 19 KB PDF whose 60 pages share
one 2 MiB content stream kept pypdf's text extraction busy for minutes and a web worker was killed. So every
parse of an uploaded file (`analyse`) runs in a child forked from a small server process (`forkserver`,
started once with pypdf already imported, so a parse costs a fork, not an interpreter start); the child sets
its own address-space and CPU limits (`resource.setrlimit`) and the parent kills it when the wall-clock budget
is spent. The parent then answers with a clear message (`ParseLimit`), never a hung request.

What the child reports about a PDF, walking the *whole* object graph from the trailer (every dictionary,
array and stream reachable, each indirect object once, however deep: a `/Next` chain of any length, AcroForm
field actions, annotations, the name trees):

* ``javascript``: a `/JavaScript` action, a `/JS` entry or a document-level `/JavaScript` name tree;
* ``launch``: a `/Launch` action (runs a program);
* ``remote_goto``: `/GoToR` or `/GoToE` (opens another file, perhaps remote);
* ``submit_form``: `/SubmitForm` or `/ImportData` (sends or loads form data);
* ``open_uri``: a `/URI` action run by the document itself (`/OpenAction` or an additional action `/AA`),
  as opposed to a link the reader clicks;
* ``xfa``: an XFA form (an XML form that can carry scripts);
* ``embedded_file``: an embedded file (`/EmbeddedFiles`, `/EF`, `/EmbeddedFile`): a program may hide there;
* ``rich_media``: Flash or 3D content (`/RichMedia`);
* ``html_polyglot``: HTML markup in the file's bytes (a browser sniffing it would run the script);
* ``zip_polyglot``: the file is also a valid ZIP archive.

For OOXML (DOCX, XLSX) the child lists the package: a `vbaProject.bin` (macros) is flagged ``macros``, an
external relationship target ``external_link``; for any type, HTML markup is flagged ``html_polyglot``.

This module imports no Django: the child must start fast and must not touch the database.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from itg import forkserver

FLAG_LABELS = {
    "javascript": "JavaScript",
    "launch": "a launch action (runs a program)",
    "remote_goto": "a link that opens another file (GoToR/GoToE)",
    "submit_form": "a form that sends data (SubmitForm/ImportData)",
    "open_uri": "a web address opened automatically",
    "xfa": "an XFA form (can carry scripts)",
    "embedded_file": "an embedded file",
    "rich_media": "Flash or 3D content",
    "html_polyglot": "HTML markup (also readable as a web page)",
    "zip_polyglot": "a hidden ZIP archive",
    "macros": "Office macros",
    "external_link": "links to outside content",
    "parse_limit": "content too costly to inspect (never opened in the browser)",
}

_HTML = re.compile(
    rb"<\s*(script|html|!doctype\s+html|iframe|svg|object|embed|body|meta)[\s>/]", re.IGNORECASE
)
_ACTION_FLAGS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/GoToR": "remote_goto",
    "/GoToE": "remote_goto",
    "/SubmitForm": "submit_form",
    "/ImportData": "submit_form",
    "/RichMediaExecute": "rich_media",
}
_KEY_FLAGS = {
    "/JS": "javascript",
    "/XFA": "xfa",
    "/EmbeddedFiles": "embedded_file",
    "/EF": "embedded_file",
    "/RichMedia": "rich_media",
}
MAX_OBJECTS = 2_000_000  # a graph larger than this is not a document; the time limit would stop it anyway


class ParseLimit(Exception):
    """The parse ran out of its time or memory budget (the file is refused with a clear message)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what  # "time" or "memory"


@dataclass
class Analysis:
    """What the child found; `error` is ("encrypted" | "damaged", detail) when the file cannot be read."""

    pages: int = 0
    flags: list[str] = field(default_factory=list)
    text: str = ""
    error: tuple[str, str] | None = None


# ---------------------------------------------------------------------------------------------------
# Child side


def analyse(data: bytes, kind: str, text_pages: int = 60) -> Analysis:
    """Analyse the bytes of a file whose type is already decided (`kind`: "pdf", "ooxml" or "other")."""
    flags: set[str] = set()
    if _HTML.search(data):
        flags.add("html_polyglot")
    result = Analysis()
    if kind == "pdf":
        if zipfile.is_zipfile(io.BytesIO(data)):
            flags.add("zip_polyglot")  # a ZIP directory at the end: a file two programs read differently
        result = _analyse_pdf(data, flags, text_pages)
    elif kind == "ooxml":
        _analyse_ooxml(data, flags)
    result.flags = sorted(flags)
    return result


def _analyse_pdf(data: bytes, flags: set[str], text_pages: int) -> Analysis:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return Analysis(error=("encrypted", ""))
        root = reader.trailer.get("/Root")
        root = root.get_object() if root is not None else None
        if not hasattr(root, "get"):
            return Analysis(error=("damaged", "its trailer names no document catalog"))
        pages = len(reader.pages)
        flags |= walk_flags(reader.trailer, root)
        text = _extract_text(reader, text_pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError,
            AssertionError, zipfile.BadZipFile) as error:  # fmt: skip
        return Analysis(error=("damaged", f"{type(error).__name__}: {error}"[:200]))
    return Analysis(pages=pages, text=text)


def walk_flags(trailer, root) -> set[str]:
    """Every reachable object once, iteratively (no recursion limit): the flags of the active content found."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    flags: set[str] = set()
    names = root.get("/Names")
    names = names.get_object() if names is not None else None
    if hasattr(names, "get") and "/JavaScript" in names:
        flags.add("javascript")
    seen: set[tuple[int, int]] = set()
    # (object, auto): `auto` is True under /OpenAction or /AA, where a /URI runs without a click.
    stack: list[tuple[object, bool]] = [(trailer, False)]
    visited = 0
    while stack:
        obj, auto = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            try:
                obj = obj.get_object()
            except Exception:  # noqa: BLE001, S112 - a dangling reference is skipped; the rest is still walked
                continue
        visited += 1
        if visited > MAX_OBJECTS:
            break
        if isinstance(obj, DictionaryObject):
            _dict_flags(obj, auto, flags)
            for key, value in obj.items():
                stack.append((value, auto or key in ("/OpenAction", "/AA")))
        elif isinstance(obj, ArrayObject):
            stack.extend((value, auto) for value in obj)
    return flags


def _dict_flags(obj, auto: bool, flags: set[str]) -> None:
    kind = obj.get("/S")
    if kind is not None:
        kind = str(kind)
        if kind in _ACTION_FLAGS:
            flags.add(_ACTION_FLAGS[kind])
        elif kind == "/URI" and auto:
            flags.add("open_uri")
    if str(obj.get("/Type", "")) == "/EmbeddedFile":
        flags.add("embedded_file")
    if str(obj.get("/Subtype", "")) in ("/RichMedia", "/3D"):
        flags.add("rich_media")
    for key, flag in _KEY_FLAGS.items():
        if key in obj:
            flags.add(flag)


def _extract_text(reader, max_pages: int) -> str:
    parts = []
    for page in reader.pages[:max_pages]:
        try:
            parts.append(page.extract_text() or "")
        except Exception:  # noqa: BLE001 - a page pypdf cannot read leaves the prefill empty, not the upload refused
            parts.append("")
    return "\n".join(parts)


def _analyse_ooxml(data: bytes, flags: set[str]) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in package.infolist():
                name = info.filename.lower()
                if name.endswith("vbaproject.bin"):
                    flags.add("macros")
                elif (
                    name.endswith(".rels")
                    and info.file_size < 1024 * 1024
                    and b'TargetMode="External"' in package.read(info)
                ):
                    flags.add("external_link")
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        pass  # the type check already proved it is a package; an unreadable member is not active content


def _child(conn, data: bytes, kind: str, text_pages: int, memory_bytes: int, cpu_seconds: int) -> None:
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        conn.send(("ok", analyse(data, kind, text_pages)))
    except MemoryError:
        conn.send(("memory", None))
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------------
# Parent side


def _mp():
    return forkserver.context()  # shared with the PDF renderer's pool: one server, both preloaded


def analyse_bounded(
    data: bytes, kind: str, *, seconds: float, memory_mb: int, text_pages: int = 60
) -> Analysis:
    """`analyse` in a child process; raise ParseLimit when it needs more than `seconds` or `memory_mb`."""
    ctx = _mp()
    parent, child = ctx.Pipe(duplex=False)
    with forkserver.children_allowed():  # also from a Celery task, whose pool process is daemonic
        process = ctx.Process(
            target=_child,
            args=(child, data, kind, text_pages, memory_mb * 1024 * 1024, max(1, int(seconds) + 1)),
            daemon=True,
        )  # fmt: skip (the process copies the current process's settings when made)
        process.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise ParseLimit("time")
        try:
            status, result = parent.recv()
        except EOFError:
            # The child died without answering: killed by the CPU limit, or by the allocator at the limit.
            raise ParseLimit("memory") from None
        if status != "ok":
            raise ParseLimit(status)
        return result
    finally:
        parent.close()
        if process.is_alive():
            process.kill()
        process.join(5)
