"""The parts a response is rendered in, and its long tables, drawn by `itg.pdf_tables`: the traceback
exhibits of Part II and Part IV's index of the production with its embedded data files.

They are most of a response's pages and, laid out by WeasyPrint, were most of its render (20 s of 25 for
500 tracebacks on this project's 2-core machines; `bench/responses.py`). The cover letter, the answers, the
findings and the certification stay HTML (`responses/package.html`). What a table says comes from the same
package as the CSV and JSON data files (`subpoenas.responses.package`), so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from itg.pdf import PdfPart
from itg.pdf_tables import Column, Document, Group, Heading, Note, Paragraph, Table

from .package import Package, TracebackExhibit, package_html

EXHIBIT_COLUMNS = (
    Column("#", 10),
    Column("Provider (RMD number)"),
    Column("Role", 48),
    Column("Asked (UTC)", 62),
    Column("Answered (UTC)", 62),
    Column("Answer", 90),
    Column("Attest.", 26),
)
INDEX_COLUMNS = (
    Column("Exhibit", 34),
    Column("Traceback", 54, nowrap=True),
    Column("Call (UTC)", 62),
    Column("Campaign"),
    Column("Hops", 22),
    Column("Requests", 62),
)
MANIFEST_COLUMNS = (Column("File", nowrap=True), Column("Bytes", 44), Column("SHA-256", 272, nowrap=True))

EXHIBITS_NOTE = (
    "Times are in UTC. Each exhibit, a traceback, is a group of rows headed by its number and call; its rows "
    "list the providers in the order they were asked, from the terminating provider, which delivered the call, "
    "upstream hop by hop: each provider named the provider it received the call from, until the originating "
    'provider, a foreign gateway, or the end of the chain. "Attest." is the STIR/SHAKEN attestation the '
    'provider saw or applied (A full, B partial, C gateway); "origid" is the originating identifier of the '
    "signature."
)
FILES_NOTE = (
    "These files are attached to this PDF (open the attachments panel of your PDF reader). Each one's SHA-256 "
    "digest below is covered by the signature."
)


def package_parts(package: Package, exhibits_per_part: int) -> list[PdfPart]:
    """The response as parts to render apart and join (`itg.pdf.render_bates_pdf_parts`), in order: the
    HTML front (cover letter, Part I, and Part II's findings if any), the drawn traceback exhibits,
    `exhibits_per_part` a part (a part begins a new page; each later one continues Part II), the HTML
    certification (Part III) and the drawn index (Part IV)."""
    if exhibits_per_part < 1:
        raise ValueError("A part holds at least one exhibit")
    exhibits = package.exhibits
    chunks = [exhibits[i : i + exhibits_per_part] for i in range(0, len(exhibits), exhibits_per_part)]
    drawn = [
        PdfPart(
            drawn=exhibits_document(package, chunk, first=n == 0), continues=n > 0 or bool(package.findings)
        )
        for n, chunk in enumerate(chunks)
    ]
    return [
        PdfPart(package_html(package, front=True, back=False)),
        *drawn,
        PdfPart(package_html(package, front=False, back=True)),
        PdfPart(drawn=index_document(package)),
    ]


def exhibits_document(package: Package, exhibits: Sequence[TracebackExhibit], *, first: bool) -> Document:
    """Traceback exhibits as a drawn part of Part II. The first part opens Part II itself when no findings
    came before it (they are HTML, and carry Part II's title when there are any)."""
    blocks: list = []
    if first:
        if not package.findings:
            blocks.append(Heading("Part II. Exhibits: traceback records"))
        blocks.append(Paragraph(EXHIBITS_NOTE))
    blocks.append(Table(EXHIBIT_COLUMNS, tuple(_exhibit(tb) for tb in exhibits)))
    return _document(package, blocks)


def index_document(package: Package) -> Document:
    """Part IV: one row per exhibit, then the embedded data files with their digests."""
    blocks: list = [Heading("Part IV. Index of the production")]
    if package.exhibits:
        rows = (
            (str(tb.number), tb.label, tb.call_minute, tb.campaign, str(len(tb.hops)), _requests(tb))
            for tb in package.exhibits
        )
        blocks.append(Table(INDEX_COLUMNS, tuple(Group((row,)) for row in rows)))
    else:
        blocks.append(Paragraph("No records produced.", size=11))
    blocks += [
        Heading("Embedded data files", level=2),
        Paragraph(FILES_NOTE),
        Table(MANIFEST_COLUMNS, tuple(Group(((m.name, str(m.size), m.sha256),)) for m in package.manifest)),
    ]
    return _document(package, blocks)


def _document(package: Package, blocks: list) -> Document:
    """With the running heads of the HTML parts' pages."""
    return Document(
        tuple(blocks),
        header_left=package.running_head,
        header_right=package.running_head_right,
        header_alert=package.is_development,
    )


def _exhibit(tb: TracebackExhibit) -> Group:
    call = [
        f"Call {tb.call_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC ({tb.call_tz})",
        f"from {tb.calling_number} to {tb.called_number}",
        tb.status,
    ]
    if tb.originating_provider:
        call.append(f"originating: {tb.originating_provider}")
    if tb.gateway_provider:
        call.append(f"gateway: {tb.gateway_provider}")
    call.append(f"requests {_requests(tb)}")
    rows: list = []
    for hop, answer in tb.rows:
        rows.append(
            (
                str(hop.sequence),
                hop.provider_cell,
                hop.role,
                hop.asked,
                hop.answered,
                answer,
                hop.attestation or "-",
            )
        )
        if hop.origid:
            rows.append(Note(f"origid {hop.origid}"))
    if not rows:
        rows.append(Note("No provider was asked."))
    return Group(
        tuple(rows), title=f"Exhibit {tb.number}: {tb.label} · {tb.campaign}", detail=" · ".join(call)
    )


def _requests(tb: TracebackExhibit) -> str:
    return ", ".join(str(n) for n in tb.requests)
