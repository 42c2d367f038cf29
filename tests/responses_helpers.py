"""Helpers for the responses tests: a throwaway development CA and signed documents registered as issued."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from itg.pdf import render_bates_pdf
from subpoenas.responses.issuing import issued_document_create, pdf_sign_and_store
from subpoenas.responses.models import IssuedDocument

SMALL = "<h1>Response to TX-2026-00042</h1><p>Request 1: produced.</p>"


def issue_small_document(title: str = "Response to TX-2026-00042", **fields) -> tuple[IssuedDocument, bytes]:
    """A small Bates-numbered PDF, signed with the development certificate and registered as issued."""
    rendered = render_bates_pdf(SMALL, prefix="ITG-TX-2026-00042")
    signed = pdf_sign_and_store(rendered.pdf, reason="Test response", folder="responses")
    document = issued_document_create(
        signed=signed,
        kind=IssuedDocument.Kind.RESPONSE,
        title=title,
        bates_prefix="ITG-TX-2026-00042",
        bates_first=rendered.first,
        bates_last=rendered.last,
        **fields,
    )
    return document, signed.pdf


def flip_one_byte(pdf: bytes) -> bytes:
    """The same file with one bit changed inside the first compressed stream, before the signature."""
    data = bytearray(pdf)
    offset = data.index(b"stream\n", data.index(b"/FlateDecode")) + len(b"stream\n") + 20
    assert offset < pdf.index(b"/ByteRange")
    data[offset] ^= 0x01
    return bytes(data)


def poppler(tool: str, *args: str) -> str:
    executable = shutil.which(tool)
    if executable is None:
        pytest.skip(f"{tool} is missing (apt-get install poppler-utils)")
    # Fixed executable and our own temporary files: no untrusted input reaches the command line.
    return subprocess.run([executable, *args], capture_output=True, text=True, check=False).stdout  # noqa: S603


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    return poppler("pdftotext", "-layout", str(path), "-")
