"""itg.uploads: the type is decided by the bytes; OOXML must be a real package; text must be text."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from itg.uploads import ATTACHMENT_TYPES, DOCX, PDF_ONLY, XLSX, as_upload, check_upload
from tests.factories import cached_pdf, encrypted_pdf, javascript_pdf

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def ooxml(main_part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("a.pdf", None, "application/pdf"),
        ("scan.png", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("letter.docx", ooxml("word/document.xml"), DOCX),
        ("calls.xlsx", ooxml("xl/workbook.xml"), XLSX),
        ("calls.csv", b"number,date\n+12145550142,2026-01-05\n", "text/csv"),
        ("notes.txt", "Résumé of calls\n".encode(), "text/plain"),
        ("misnamed.txt", PNG, "image/png"),  # the bytes decide, not the name
    ],
)
def test_accepted_types_are_decided_by_the_bytes(db, name, data, content_type):
    checked = check_upload(as_upload(data if data is not None else cached_pdf(), name))
    assert (
        checked.content_type == content_type and checked.original_name == name and len(checked.sha256) == 64
    )


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("letter.docx", b"PK\x03\x04" + b"\x00" * 100, "accepted here"),  # a zip that is not a package
        ("plain.docx", ooxml("other.xml"), "accepted here"),  # a zip without a Word or Excel part
        ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 100, "a program"),
        ("data.csv", b"a,b\x00\x01\x02", "accepted here"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_refused_files_say_why(db, name, data, words):
    with pytest.raises(ValidationError) as error:
        check_upload(as_upload(data, name))
    assert words in " ".join(error.value.messages) and name in " ".join(error.value.messages)


def test_pdf_policy_encrypted_refused_javascript_flagged(db):
    with pytest.raises(ValidationError, match="encrypted"):
        check_upload(as_upload(encrypted_pdf(), "locked.pdf"), allowed=PDF_ONLY)
    flagged = check_upload(as_upload(javascript_pdf(), "script.pdf"), allowed=PDF_ONLY)
    assert flagged.pdf_flags == ["javascript"]
    assert check_upload(as_upload(cached_pdf(), "ok.pdf"), allowed=PDF_ONLY).pdf_flags == []


def test_a_damaged_pdf_is_refused(db):
    with pytest.raises(ValidationError, match="damaged"):
        check_upload(as_upload(b"%PDF-1.7\n garbage with no xref", "broken.pdf"), allowed=PDF_ONLY)


def test_only_a_pdf_for_the_demand_itself(db):
    with pytest.raises(ValidationError, match="accepted here: PDF"):
        check_upload(as_upload(PNG, "demand.png"), allowed=PDF_ONLY)
    assert len(ATTACHMENT_TYPES) == 7


def test_a_zip_bomb_docx_is_refused_from_its_directory_and_a_real_package_with_media_is_accepted(db):
    """Judged from the sizes the package's directory states: nothing is inflated to find out."""
    import os

    from tests.hostile import docx, zip_bomb_docx

    with pytest.raises(ValidationError) as refused:
        check_upload(as_upload(zip_bomb_docx(64), "report.docx"))
    message = " ".join(refused.value.messages)
    assert "report.docx" in message and "zip bomb" in message and "64 MB" in message
    assert "send it as a PDF" in message
    photo = os.urandom(3 * 1024 * 1024)  # incompressible, as images are: ratio about 1
    assert (
        check_upload(as_upload(docx({"word/media/photo.jpg": photo}), "with-photo.docx")).content_type == DOCX
    )
