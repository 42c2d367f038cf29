"""Helpers for the responses tests: a throwaway development CA and signed documents registered as issued."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from itg.pdf import render_bates_pdf
from subpoenas.models import LegalDemand
from subpoenas.responses.issuing import issued_document_create, pdf_sign_and_store
from subpoenas.responses.models import IssuedDocument
from tests.factories import make_campaign, make_demand, make_provider
from tracebacks.models import Hop, Traceback

SMALL = "<h1>Response to TX-2026-00042</h1><p>Request 1: produced.</p>"


def issue_small_document(
    demand=None, title: str = "Response to TX-2026-00042", **fields
) -> tuple[IssuedDocument, bytes]:
    """A small Bates-numbered PDF, signed with the development certificate and registered as issued."""
    demand = demand or make_demand("TX")
    rendered = render_bates_pdf(SMALL, prefix="ITG-TX-2026-00042")
    signed = pdf_sign_and_store(rendered.pdf, reason="Test response", folder="responses")
    document = issued_document_create(
        signed=signed,
        kind=IssuedDocument.Kind.RESPONSE,
        title=title,
        bates_prefix="ITG-TX-2026-00042",
        bates_first=rendered.first,
        bates_last=rendered.last,
        demand=demand,
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


ROLES = [Hop.Role.TERMINATING, Hop.Role.INTERMEDIATE, Hop.Role.GATEWAY, Hop.Role.ORIGINATING]


def make_completed_traceback(
    *, calling="+12145550142", called="+15125550100", call_at=None, campaign=None, providers=None, by=None
) -> Traceback:
    """A finished traceback with a hop per provider (terminating first, originating last).

    Written directly: the responses feature reads finished chains, and walking each hop through the
    answering service would cost the suite seconds per traceback for nothing this feature checks.
    """
    providers = providers or [make_provider() for _ in range(3)]
    call_at = call_at or dt.datetime(2026, 1, 20, 15, 30, tzinfo=dt.UTC)
    tb = Traceback.objects.create(
        campaign=campaign or make_campaign(), call_at=call_at, call_tz="America/Chicago", calling_number=calling,
        called_number=called, source="honeypot", status=Traceback.Status.COMPLETED, hop_count=len(providers),
        originating_provider=providers[-1], created_by=by, ended_at=call_at + dt.timedelta(days=2),
    )  # fmt: skip
    for n, provider in enumerate(providers, start=1):
        last = n == len(providers)
        asked = call_at + dt.timedelta(hours=n)
        Hop.objects.create(
            traceback=tb, sequence=n, provider=provider,
            role=Hop.Role.ORIGINATING if last else (Hop.Role.TERMINATING if n == 1 else Hop.Role.INTERMEDIATE),
            asked_at=asked, due_at=asked + dt.timedelta(hours=24), answered_at=asked + dt.timedelta(hours=2),
            answer=Hop.Answer.CUSTOMER if last else Hop.Answer.UPSTREAM,
            upstream=None if last else providers[n], attestation="A" if last else "",
            origid=uuid.UUID(int=tb.pk * 100 + n) if last else None, customer="Robo Dialer LLC" if last else "",
        )  # fmt: skip
    return tb


def in_progress_demand(state: str = "TX", **scope) -> LegalDemand:
    """A demand being worked on, its request 1 with the given structured scope. Its receipt is left unsigned:
    the responses' tests count the signed documents and stored files of the response alone."""
    demand = make_demand(state, status=LegalDemand.Status.IN_PROGRESS, signed_receipt=False)
    if scope:
        demand.requests.filter(number=1).update(**scope)
    return demand
