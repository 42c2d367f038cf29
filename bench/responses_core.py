"""Micro-benchmark: what Bates numbering and PAdES signing add to rendering a large response.

Target: render + Bates + sign within 1.3x of a bare WeasyPrint render of the same HTML, for a response with
about 500 exhibits. Run: `.venv/bin/python bench/responses_core.py [--exhibits 500] [--repeats 3]`.
Each variant is run `repeats` times, interleaved so that machine drift hits them all alike; medians printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import weasyprint

# Run as a script, bench/ is sys.path[0], where bench/queue.py would shadow the standard library's queue.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper  # noqa: E402

from itg import pdf as itg_pdf  # noqa: E402
from itg import signing  # noqa: E402

PREFIX = "ITG-TX-2026-00042"
LOREM = (
    "The provider identified above transmitted the call to the next hop listed below. Records were produced "
    "from the provider's call detail records and certified by its custodian of records. "
)


def synthetic_response(exhibits: int) -> str:
    """A cover letter and `exhibits` exhibits, each a heading, a paragraph and a five-row call table."""
    parts = ["<html><head><title>Response</title></head><body><h1>Response to CID 2026-00042</h1>"]
    for n in range(1, exhibits + 1):
        rows = "".join(
            f"<tr><td>2026-01-{(n + r) % 28 + 1:02d}T14:{r:02d}:00Z</td><td>+1202555{n % 10000:04d}</td>"
            f"<td>+1512555{r:04d}</td><td>Carrier {r} LLC</td><td>{'A' if r % 2 else 'B'}</td></tr>"
            for r in range(5)
        )
        parts.append(
            f"<h2>Exhibit {n}</h2><p>{LOREM * 5}</p><table><thead><tr><th>Time (UTC)</th><th>Calling</th>"
            f"<th>Called</th><th>Upstream provider</th><th>Attestation</th></tr></thead>{rows}</table>"
        )
    return "".join(parts) + "</body></html>"


def bare_weasyprint(html: str) -> bytes:
    """WeasyPrint alone with the same stylesheet (fonts included), a plain PDF: the baseline."""
    font_config = weasyprint.text.fonts.FontConfiguration()
    css = weasyprint.CSS(string=itg_pdf.BASE_CSS, font_config=font_config)
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[css], font_config=font_config)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exhibits", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="itg-bench-ca-") as ca_dir:
        run(synthetic_response(args.exhibits), signing.ensure_dev_ca(ca_dir), args.repeats)


def run(html: str, pki: signing.DevPKI, repeats: int) -> None:
    """Time each variant `repeats` times and print medians and ratios to the bare render."""
    tsa_cert, tsa_key = pki.tsa_credentials()
    timestamper = DummyTimeStamper(tsa_cert, tsa_key, certs_to_embed=[pki.root_certificate()])

    def sign(pdf: bytes, ts: DummyTimeStamper | None = None) -> bytes:
        return signing.sign_pdf(
            pdf,
            p12_path=pki.signer_p12_path,
            passphrase=pki.passphrase,
            reason="Bench",
            location="DC",
            timestamper=ts,
        )

    variants: dict[str, Callable[[], object]] = {
        "bare WeasyPrint (same CSS, plain PDF)": lambda: bare_weasyprint(html),
        "render_pdf (PDF/A-3b)": lambda: itg_pdf.render_pdf(html),
        "render_bates_pdf (PDF/A-3b)": lambda: itg_pdf.render_bates_pdf(html, prefix=PREFIX),
        "render_bates_pdf + sign B-B": lambda: sign(itg_pdf.render_bates_pdf(html, prefix=PREFIX).pdf),
        "render_bates_pdf + sign B-T (dummy TSA)": lambda: sign(
            itg_pdf.render_bates_pdf(html, prefix=PREFIX).pdf, timestamper
        ),
    }
    bare_weasyprint("<p>warm-up: imports and font loading</p>")
    sign(itg_pdf.render_bates_pdf("<p>warm-up</p>", prefix=PREFIX).pdf, timestamper)

    times: dict[str, list[float]] = {name: [] for name in variants}
    signed = b""
    for _ in range(repeats):
        for name, fn in variants.items():
            elapsed, result = timed(fn)
            times[name].append(elapsed)
            if isinstance(result, bytes) and name.endswith("B-B"):
                signed = result
    pages = itg_pdf.render_bates_pdf(html, prefix=PREFIX)
    sign_only, _ = timed(lambda: sign(pages.pdf))
    verify_time, verdict = timed(lambda: signing.verify_pdf(signed, [pki.root_certificate()]))

    print(
        f"{html.count('<h2>')} exhibits, {pages.last} pages, {len(signed) / 1e6:.1f} MB signed; median of {repeats}"
    )
    baseline = statistics.median(times["bare WeasyPrint (same CSS, plain PDF)"])
    for name, samples in times.items():
        median = statistics.median(samples)
        print(
            f"  {name:<42} {median:6.2f} s  {median / baseline:5.2f}x   ({', '.join(f'{s:.2f}' for s in samples)})"
        )
    print(f"  {'sign B-B alone':<42} {sign_only:6.2f} s")
    print(f"  {'verify_pdf':<42} {verify_time:6.2f} s  acceptable={verdict.acceptable}")


if __name__ == "__main__":
    main()
