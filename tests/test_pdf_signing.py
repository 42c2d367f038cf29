"""Rendering, Bates numbering, embedded exhibits, PAdES signing and verification of response PDFs.

Runs without Django settings (`-p no:django`): `itg.pdf` and `itg.signing` take everything as arguments.
Checks are made by reading the PDFs back with independent tools: poppler's pdftotext, pdffonts and pdfsig.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pypdf import PdfReader

from itg.pdf import (
    DataExhibit,
    PdfPart,
    bates_label,
    exhibit_manifest,
    read_embedded_files,
    render_bates_pdf,
    render_bates_pdf_parts,
    render_pdf,
)
from itg.signing import (
    DEV_SIGNER_NAME,
    DevPKI,
    dev_trust_roots,
    ensure_dev_ca,
    load_certificates,
    sign_pdf,
    signer_from_settings,
    verify_pdf,
)

PREFIX = "ITG-TX-2026-00042"
THREE_PAGES = """<html><head><title>Response to CID 2026-00042</title>
<style>section { break-after: page; }</style></head><body>
<section><h1>Response</h1><p>Dear Assistant Attorney General,</p></section>
<section><h2>Exhibit A</h2><table><tr><th>Call</th><td>+1 202 555 0100</td></tr></table></section>
<section><h2>Exhibit B</h2><p>Certification of records.</p></section>
</body></html>"""

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def poppler(tool: str, *args: str) -> str:
    """Run a poppler tool (an independent reader, not the renderer) and return what it prints."""
    executable = shutil.which(tool)
    assert executable, f"{tool} is missing: apt-get install poppler-utils"
    # Fixed executable and our own temporary files: no untrusted input reaches the command line.
    return subprocess.run([executable, *args], capture_output=True, text=True, check=False).stdout  # noqa: S603


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page as pdftotext extracts it."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    count = len(PdfReader(BytesIO(pdf)).pages)
    return [
        poppler("pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path), "-")
        for n in range(1, count + 1)
    ]


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DevPKI:
    """One development PKI for the whole run: generating RSA keys takes about half a second."""
    return ensure_dev_ca(tmp_path_factory.mktemp("dev-ca"))


def sign(pdf: bytes, pki: DevPKI, **kwargs: object) -> bytes:
    return sign_pdf(
        pdf,
        p12_path=pki.signer_p12_path,
        passphrase=pki.passphrase,
        reason="Response to Civil Investigative Demand 2026-00042",
        location="Washington, DC",
        **kwargs,
    )


# --- Bates numbering --------------------------------------------------------------------------------


@needs_poppler
def test_bates_numbers_are_gapless_and_printed_on_every_page(tmp_path: Path) -> None:
    result = render_bates_pdf(THREE_PAGES, prefix=PREFIX)

    assert (result.first, result.last) == (1, 3)
    pages = page_texts(result.pdf, tmp_path)
    assert len(pages) == 3
    for n, text in enumerate(pages, start=1):
        assert f"{PREFIX}-{n:06d}" in text
        assert f"Page {n} of 3" in text
    assert "ITG-TX-2026-00042-000001" in pages[0]


@needs_poppler
def test_a_later_version_continues_the_range(tmp_path: Path) -> None:
    first_version = render_bates_pdf(THREE_PAGES, prefix=PREFIX)
    second = render_bates_pdf(THREE_PAGES, prefix=PREFIX, start=first_version.last + 1)

    assert (second.first, second.last) == (4, 6)
    pages = page_texts(second.pdf, tmp_path)
    assert [bates_label(PREFIX, n) in text for n, text in zip(range(4, 7), pages, strict=True)] == [True] * 3
    assert "Page 1 of 3" in pages[0]  # "Page x of y" counts within this document
    assert "000001" not in "".join(pages)


@needs_poppler
def test_template_cannot_hide_or_reset_bates_numbers(tmp_path: Path) -> None:
    # A forced left-hand break makes a blank page; the template tries to blank its margins and reset counters.
    html = """<style>
      @page :blank { @bottom-right { content: none } @bottom-center { content: none } }
      @page :first { counter-reset: page 7; counter-increment: none }
      section { break-after: page } .left { break-before: left }
    </style><section>one</section><section>two</section><div class="left">four</div>"""
    result = render_bates_pdf(html, prefix=PREFIX, start=10)

    pages = page_texts(result.pdf, tmp_path)
    assert len(pages) == 4 and (result.first, result.last) == (10, 13)
    assert "four" not in pages[2]  # page 3 is the blank one
    for n, text in enumerate(pages, start=1):
        assert bates_label(PREFIX, 9 + n) in text
        assert f"Page {n} of 4" in text


# --- A long document rendered in parts -------------------------------------------------------------------

PARTS = [
    PdfPart(
        "<h1>Part I</h1><h3>Request 1</h3><p>one</p><h1 style='break-before: page'>Part II</h1><h3>Ex 1</h3>"
    ),
    # A continuing part that tries to print over the Bates stamp and to reset the page counter.
    PdfPart(
        "<style>@page { @bottom-right { content: 'forged' } @bottom-center { content: 'forged' } }"
        "@page :first { counter-reset: page 7 }</style><h3>Ex 2</h3><p>two</p>",
        continues=True,
    ),
    PdfPart("<h1>Part III</h1><p>three</p>"),
]


@needs_poppler
@pytest.mark.parametrize("workers", [1, 2])
def test_parts_are_joined_under_one_gapless_bates_range(tmp_path: Path, pki: DevPKI, workers: int) -> None:
    exhibits = [DataExhibit("records.csv", b"a,b\r\n1,2\r\n", "Records")]

    result = render_bates_pdf_parts(PARTS, prefix=PREFIX, start=10, attachments=exhibits, workers=workers)

    pages = page_texts(result.pdf, tmp_path)
    assert (result.first, result.last, len(pages)) == (10, 13, 4)
    assert ["one" in pages[0], "Ex 1" in pages[1], "two" in pages[2], "three" in pages[3]] == [True] * 4
    for n, text in enumerate(pages, start=1):
        assert bates_label(PREFIX, 9 + n) in text and f"Page {n} of 4" in text
        assert "forged" not in text
    assert read_embedded_files(result.pdf) == {"records.csv": exhibits[0].data}
    reader = PdfReader(BytesIO(result.pdf))
    assert b'pdfaid:part="3"' in reader.xmp_metadata.stream.get_data()
    assert "/OutputIntents" in reader.trailer["/Root"]
    # The bookmarks as one document would have them: the continuing part's under Part II.
    outline = [[o.title for o in item] if isinstance(item, list) else item.title for item in reader.outline]
    assert outline == ["Part I", ["Request 1"], "Part II", ["Ex 1", "Ex 2"], "Part III"]
    assert [reader.get_destination_page_number(o) for o in reader.outline[3]] == [1, 2]
    assert verify_pdf(sign(result.pdf, pki), [pki.root_certificate()]).acceptable


def _in_a_daemon(conn) -> None:
    """What a Celery prefork pool process does: render parts side by side and parse an upload, bounded."""
    from itg.filescan import analyse_bounded

    try:
        result = render_bates_pdf_parts(PARTS, prefix=PREFIX, start=1, workers=2)
        parsed = analyse_bounded(result.pdf, "pdf", seconds=20, memory_mb=1024)
        conn.send(("ok", result.last, "three" in parsed.text))
    except Exception as error:  # reported to the test, which names it
        conn.send(("error", repr(error), False))


def test_parts_render_and_uploads_parse_from_a_celery_pool_process() -> None:
    """Celery runs tasks in billiard's daemonic pool processes: multiprocessing forbids a daemonic process to
    start children, and billiard's authentication key refuses to be pickled into one. The render pool and
    the bounded parser must work there (the load bench's signing failed with 'daemonic processes are not
    allowed to have children', then with 'Pickling an AuthenticationString object is disallowed')."""
    import billiard

    # A fresh interpreter, as a pool process is before its first task: a fork of this test process would
    # inherit the forkserver an earlier test started here, which is not its child.
    ctx = billiard.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_in_a_daemon, args=(child,), daemon=True)
    process.start()
    assert parent.poll(120), "the pool process did not answer"
    assert parent.recv() == ("ok", 4, True)
    process.join(10)


def test_a_single_part_is_the_one_document_render() -> None:
    one = render_bates_pdf_parts([PdfPart(THREE_PAGES)], prefix=PREFIX, start=4)
    assert (one.first, one.last) == (4, 6)


def test_parts_of_another_page_size_are_refused() -> None:
    parts = [PdfPart("<p>letter</p>"), PdfPart("<style>@page { size: A4 }</style><p>A4</p>")]
    with pytest.raises(ValueError, match="Page 2 is not the size of the Bates stamp"):
        render_bates_pdf_parts(parts, prefix=PREFIX)
    with pytest.raises(ValueError, match="at least one part"):
        render_bates_pdf_parts([], prefix=PREFIX)
    with pytest.raises(ValueError, match="Bates prefix"):
        render_bates_pdf_parts(parts, prefix="ITG TX")


@pytest.mark.parametrize("prefix", ['X"; } @page { margin: 0', "", "ITG TX", "ITG--TX"])
def test_unsafe_or_malformed_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="Bates prefix"):
        render_bates_pdf(THREE_PAGES, prefix=prefix)


def test_bates_start_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        render_bates_pdf(THREE_PAGES, prefix=PREFIX, start=0)


@needs_poppler
def test_shipped_fonts_are_embedded_in_body_and_margins(tmp_path: Path) -> None:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(render_bates_pdf(THREE_PAGES, prefix=PREFIX).pdf)

    fonts = poppler("pdffonts", str(path))
    assert "ITG-Serif" in fonts  # body text
    assert "ITG-Sans-Bold" in fonts  # the Bates number in the margin box
    assert "DejaVu" not in fonts


def test_output_is_pdf_a_3b_by_default() -> None:
    xmp = PdfReader(BytesIO(render_pdf(THREE_PAGES))).xmp_metadata
    assert xmp is not None
    assert b'pdfaid:part="3"' in xmp.stream.get_data()
    assert b'pdfaid:conformance="B"' in xmp.stream.get_data()


@needs_poppler
def test_local_files_outside_the_base_folder_are_not_fetched(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "leak.css").write_text('body::after { content: "LEAKED-MARKER" }')
    html = f'<link rel="stylesheet" href="{(assets / "leak.css").as_uri()}"><p>text</p>'

    refused = render_pdf(html, base_url=str(tmp_path / "elsewhere") + "/")
    allowed = render_pdf(html, base_url=str(assets) + "/")

    assert "LEAKED-MARKER" not in "".join(page_texts(refused, tmp_path))
    assert "LEAKED-MARKER" in "".join(page_texts(allowed, tmp_path))


# --- Embedded data exhibits --------------------------------------------------------------------------


def test_data_exhibits_are_embedded_with_matching_hashes(pki: DevPKI) -> None:
    csv = b"timestamp,calling_number,called_number\n2026-01-05T14:00:00Z,+12025550100,+15125550199\n"
    exhibits = [DataExhibit("call-records.csv", csv, "Call detail records"), DataExhibit("hops.json", b"[]")]

    manifest = exhibit_manifest(exhibits)
    signed = sign(render_bates_pdf(THREE_PAGES, prefix=PREFIX, attachments=exhibits).pdf, pki)

    embedded = read_embedded_files(signed)
    assert sorted(embedded) == ["call-records.csv", "hops.json"]
    for entry in manifest:
        assert hashlib.sha256(embedded[entry.name]).hexdigest() == entry.sha256
        assert len(embedded[entry.name]) == entry.size
    assert manifest[0].sha256 == hashlib.sha256(csv).hexdigest()
    assert verify_pdf(signed, [pki.root_certificate()]).acceptable


def test_duplicate_exhibit_names_are_refused() -> None:
    twice = [DataExhibit("a.csv", b"1"), DataExhibit("a.csv", b"2")]
    with pytest.raises(ValueError, match="share a name"):
        render_pdf(THREE_PAGES, attachments=twice)
    with pytest.raises(ValueError, match="Invalid exhibit file name"):
        exhibit_manifest([DataExhibit("../etc/passwd", b"")])


# --- Signing and verification ---------------------------------------------------------------------------


@needs_poppler
def test_signed_response_validates_with_pyhanko_and_pdfsig(pki: DevPKI, tmp_path: Path) -> None:
    signed = sign(render_bates_pdf(THREE_PAGES, prefix=PREFIX).pdf, pki)

    result = verify_pdf(signed, [pki.root_certificate()])
    assert result.valid_overall and result.intact and result.valid and result.trusted
    assert result.covers_whole_document and result.acceptable
    assert result.signer_common_name == DEV_SIGNER_NAME
    assert result.signer_organization == "Industry Traceback Group"
    assert result.signing_time is not None and result.timestamp_time is None
    assert result.field_name == "ITGSignature" and result.signature_count == 1
    assert result.document_sha256 == hashlib.sha256(signed).hexdigest()
    assert result.summary.startswith("Valid.")

    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    pdfsig = poppler("pdfsig", str(path))
    assert "Signature is Valid" in pdfsig
    assert "Total document signed" in pdfsig
    assert "ETSI.CAdES.detached" in pdfsig  # PAdES, not the legacy adbe.pkcs7.detached


def test_a_one_byte_change_in_the_content_is_detected(pki: DevPKI) -> None:
    signed = bytearray(sign(render_pdf(THREE_PAGES), pki))
    # Flip one byte inside the first compressed stream (page content or font), well before the signature.
    offset = signed.index(b"stream\n", signed.index(b"/FlateDecode")) + len(b"stream\n") + 20
    assert offset < bytes(signed).index(b"/ByteRange")
    signed[offset] ^= 0x01

    result = verify_pdf(bytes(signed), [pki.root_certificate()])
    assert not result.intact
    assert not result.valid_overall and not result.acceptable
    assert "altered after signing" in result.summary


def test_bytes_appended_after_signing_do_not_cover_the_whole_document(pki: DevPKI) -> None:
    signed = sign(render_pdf(THREE_PAGES), pki)

    result = verify_pdf(signed + b"\n% added later\n", [pki.root_certificate()])
    assert result.intact  # the signed revision itself is untouched...
    assert not result.covers_whole_document  # ...but the file is not what was signed
    assert not result.acceptable
    assert "added after the signed revision" in result.summary


def test_b_t_signature_carries_a_trusted_timestamp(pki: DevPKI) -> None:
    tsa_cert, tsa_key = pki.tsa_credentials()
    timestamper = DummyTimeStamper(tsa_cert, tsa_key, certs_to_embed=[pki.root_certificate()])

    signed = sign(render_pdf(THREE_PAGES), pki, timestamper=timestamper)

    result = verify_pdf(signed, [pki.root_certificate()])
    assert result.valid_overall and result.acceptable
    assert result.timestamp_time is not None
    assert abs((result.timestamp_time - result.signing_time).total_seconds()) < 60
    assert "time-stamped" in result.summary and "not time-stamped" not in result.summary


def test_a_signature_from_another_ca_is_not_trusted(pki: DevPKI, tmp_path: Path) -> None:
    signed = sign(render_pdf(THREE_PAGES), pki)

    result = verify_pdf(signed, dev_trust_roots(tmp_path / "other-ca"))
    assert result.intact and result.valid
    assert not result.trusted and not result.valid_overall
    assert "does not chain to a trusted root" in result.summary


def test_a_wrong_passphrase_is_refused(pki: DevPKI) -> None:
    with pytest.raises(ValueError, match="wrong passphrase"):
        sign_pdf(
            render_pdf(THREE_PAGES),
            p12_path=pki.signer_p12_path,
            passphrase="not-the-passphrase",
            reason="r",
            location="l",
        )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "Not a readable PDF"),
        (b"garbage, not a PDF at all", "Not a readable PDF"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", "Not a readable PDF"),
    ],
)
def test_garbage_gives_a_reason_not_an_exception(pki: DevPKI, data: bytes, reason: str) -> None:
    result = verify_pdf(data, [pki.root_certificate()])
    assert not result.valid_overall and not result.acceptable
    assert result.summary.startswith(reason)
    assert result.document_sha256 == hashlib.sha256(data).hexdigest()


def test_an_unsigned_pdf_says_so(pki: DevPKI) -> None:
    result = verify_pdf(render_pdf(THREE_PAGES), [pki.root_certificate()])
    assert not result.valid_overall
    assert result.summary == "The PDF carries no signature."
    assert result.signature_count == 0


# --- Development PKI ------------------------------------------------------------------------------


def test_dev_ca_is_created_once_with_private_files(tmp_path: Path) -> None:
    first = ensure_dev_ca(tmp_path / "ca")
    root_pem = first.root_cert_path.read_bytes()
    p12 = first.signer_p12_path.read_bytes()

    again = ensure_dev_ca(tmp_path / "ca")

    assert again.root_cert_path.read_bytes() == root_pem
    assert again.signer_p12_path.read_bytes() == p12
    for path in (tmp_path / "ca").iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path.name
    assert load_certificates(first.signer_cert_path)[0].subject.native["common_name"] == DEV_SIGNER_NAME


def _root_of(directory: str) -> bytes:
    return ensure_dev_ca(directory).root_cert_path.read_bytes()


def test_two_processes_racing_get_one_ca(tmp_path: Path, pki: DevPKI) -> None:
    directory = str(tmp_path / "raced")
    with ProcessPoolExecutor(max_workers=2) as pool:
        roots = list(pool.map(_root_of, [directory, directory]))

    assert roots[0] == roots[1]
    # The signer left in place chains to the root left in place.
    shared = DevPKI(Path(directory))
    signed = sign(render_pdf(THREE_PAGES), shared)
    assert verify_pdf(signed, dev_trust_roots(directory)).acceptable


def test_tsa_certificate_has_critical_time_stamping_usage(pki: DevPKI) -> None:
    cert, _ = pki.tsa_credentials()
    eku = cert.extended_key_usage_value
    assert eku is not None and eku.native == ["time_stamping"]
    assert "extended_key_usage" in cert.critical_extensions


def test_signer_from_settings_falls_back_to_the_dev_pki(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = SimpleNamespace(ITG_SIGNING_P12_PATH="", ITG_TSA_URL="", ITG_DEV_CA_DIR=str(tmp_path / "dev-ca"))
    monkeypatch.setattr("django.conf.settings", fake)

    config = signer_from_settings()

    assert config.is_development and config.timestamper_url is None
    signed = config.sign(render_pdf(THREE_PAGES), reason="Test", location="Washington, DC")
    assert verify_pdf(signed, dev_trust_roots(tmp_path / "dev-ca")).acceptable
