"""Benchmark: render and sign a whole response package of 500 tracebacks (about 2,500 hops).

The package is rendered in parts side by side (settings RESPONSE_EXHIBITS_PER_PART and
RESPONSE_RENDER_WORKERS; `itg.pdf.render_bates_pdf_parts`): the cover letter, answers and certification
as HTML by WeasyPrint, the traceback exhibits and the index drawn as tables by `itg.pdf_tables`; then
joined, Bates-stamped, PDF/A-3b, signed. Prints, as medians of interleaved runs, with the CPU time each used
(this process plus its render processes):
  * the whole package: `response_render_and_sign` end to end (records read from the database, CSV and JSON
    exhibits, HTML, the parts rendered in the worker processes, joined, Bates numbers and "Page x of y"
    stamped, PDF/A-3b with the data files, PAdES signature, storage, register);
  * the bare render: the renderers alone on the same parts (WeasyPrint on the HTML parts with the same
    stylesheet, each a plain PDF; the drawn parts drawn), in the same number of processes, without reading
    the database, building the data files, joining, stamping, PDF/A or signature;
  * their ratio. Targets: ratio <= 1.3 and the whole package under 10 s.
With --weasyprint-tables, also WeasyPrint alone on the exhibits and index as HTML tables (the response's
previous design, as `bench/responses_core.py` builds them for comparison), in the same processes.
The machine's load average is printed with the figures: on a shared machine, read the CPU times.

Run: `.venv/bin/python bench/responses.py [--tracebacks 500] [--hops 5] [--repeats 3] [--workers N]
[--per-part N]`. It works in a throwaway SQLite database and media folder under a temporary
directory, removed afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder is sys.path[0]: bench/queue.py would then shadow the standard library's queue.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def setup_django(tmp: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["ITG_VAR_DIR"] = str(tmp)
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"  # the demand's receipt
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build_world(tracebacks: int, hops: int):
    """A TX demand in progress whose request 1 produces `tracebacks` completed tracebacks."""
    from providers.models import Provider
    from subpoenas.models import LegalDemand
    from subpoenas.responses.models import EvidenceLink, RequestAnswer
    from tests.factories import make_demand, make_user
    from tracebacks.models import Campaign, Hop, Traceback

    ivy = make_user("ivy", "itg_staff")
    demand = make_demand("TX", "State of Texas v. Robocallers et al.", status=LegalDemand.Status.IN_PROGRESS)
    providers = Provider.objects.bulk_create(
        Provider(
            rmd_number=f"RMD0{n:07d}", frn=f"{1000000 + n}", business_name=f"Carrier {n} Communications LLC"
        )
        for n in range(60)
    )
    campaign = Campaign.objects.create(name="SSA-CalltheSSA", kind="ssa")
    start = dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC)
    tbs = Traceback.objects.bulk_create(
        Traceback(
            campaign=campaign,
            call_at=start + dt.timedelta(minutes=37 * i),
            calling_number=f"+1214555{i:04d}",
            called_number="+15125550100",
            source="honeypot",
            status="completed",
            hop_count=hops,
        )  # fmt: skip
        for i in range(tracebacks)
    )
    Hop.objects.bulk_create(_hops(tbs, providers, hops))
    request = demand.requests.get(number=1)
    EvidenceLink.objects.bulk_create(
        EvidenceLink(request=request, traceback=tb, source="proposed", added_by=ivy) for tb in tbs
    )
    RequestAnswer.objects.create(request=request, kind="produced", answered_by=ivy)
    return demand, ivy


def _hops(tbs, providers, hops: int):
    from tracebacks.models import Hop

    roles = ["terminating"] + ["intermediate"] * (hops - 2) + ["originating"]
    for i, tb in enumerate(tbs):
        for s in range(hops):
            asked = tb.call_at + dt.timedelta(hours=s + 1)
            yield Hop(
                traceback=tb, sequence=s + 1, provider=providers[(i + s) % 60], role=roles[s], asked_at=asked,
                due_at=asked + dt.timedelta(hours=24), answered_at=asked + dt.timedelta(hours=3),
                answer="customer" if s == hops - 1 else "upstream",
                upstream=None if s == hops - 1 else providers[(i + s + 1) % 60], attestation="AB C"[s % 4].strip(),
                origid=uuid.uuid4() if s == hops - 1 else None,
            )  # fmt: skip


def new_version(demand, by, version: int):
    from subpoenas.responses.assemble import snapshot_of
    from subpoenas.responses.models import Response

    reason = "" if version == 1 else f"Benchmark run {version}"
    return Response.objects.create(
        demand=demand, version=version, snapshot=snapshot_of(demand), reason=reason, created_by=by
    )


def bare_render(part) -> bytes:
    """A part's renderer alone: WeasyPrint with the same stylesheet (fonts included), a plain PDF, for HTML;
    `itg.pdf_tables` for a drawn part."""
    import weasyprint

    from itg import pdf as itg_pdf
    from itg import pdf_tables

    if part.drawn is not None:
        return pdf_tables.draw_pdf(part.drawn)[0]
    font_config = weasyprint.text.fonts.FontConfiguration()
    css = weasyprint.CSS(string=itg_pdf.BASE_CSS, font_config=font_config)
    return weasyprint.HTML(string=part.html).write_pdf(stylesheets=[css], font_config=font_config)


def bare_parts(parts: list, workers: int) -> None:
    """`bare_render` of each part, in `workers` processes of the renderer's own forkserver, largest first."""
    from concurrent.futures import ProcessPoolExecutor

    from itg import forkserver

    if workers <= 1 or len(parts) == 1:
        for part in parts:
            bare_render(part)
        return
    with ProcessPoolExecutor(min(workers, len(parts)), mp_context=forkserver.context()) as pool:
        list(pool.map(bare_render, sorted(parts, key=lambda p: len(p.html), reverse=True)))


# The response's previous design: its exhibits and index as WeasyPrint tables (the stylesheet it had).
TABLE_CSS = """<style>
table.t { table-layout: fixed; border-collapse: separate; border-spacing: 0; font-family: "ITG Sans";
  font-size: 7.5pt; line-height: 9pt; border-top: 0.75pt solid #1f3a5f; border-bottom: 0.75pt solid #1f3a5f;
  margin: 0 0 8pt; }
.t th, .t td { border: 0; padding: 1pt 2pt; border-bottom: 0.25pt solid #999; }
.t th { border-bottom: 0.5pt solid #1f3a5f; font-weight: bold; vertical-align: bottom; }
.t td.o { color: #333; padding-left: 12pt; }
.t td.eh { font-size: 8.5pt; line-height: 10.5pt; padding-top: 7pt; border-bottom: 0.5pt solid #1f3a5f; }
.eh b { bookmark-level: 3; bookmark-label: content(text); }
.nw { white-space: nowrap; } .x { break-inside: avoid; } .small { font-size: 8pt; }
</style>"""


def weasyprint_tables(document) -> str:
    """A drawn part (`itg.pdf_tables.Document`) as the HTML tables WeasyPrint laid out before."""
    from django.utils.html import escape

    from itg.pdf_tables import Heading, Note, Paragraph

    out = ["<!doctype html><html><head><meta charset='utf-8'>", TABLE_CSS, "</head><body>"]
    for block in document.blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p class='small'>{escape(block.text)}</p>")
        else:
            n = len(block.columns)
            head = "".join(
                f"<th{f' style=width:{c.width}pt' if c.width else ''}>{escape(c.title)}</th>"
                for c in block.columns
            )
            out.append(f"<table class='t'><thead><tr>{head}</tr></thead>")
            for group in block.groups:
                out.append("<tbody class='x'>")
                if group.title:
                    out.append(
                        f"<tr><td class='eh' colspan='{n}'><b>{escape(group.title)}</b><br>{escape(group.detail)}</td></tr>"
                    )
                for row in group.rows:
                    if isinstance(row, Note):
                        out.append(
                            f"<tr><td></td><td class='o' colspan='{n - 1}'>{escape(row.text)}</td></tr>"
                        )
                    else:
                        cells = "".join(
                            f"<td{' class=nw' if c.nowrap else ''}>{escape(v)}</td>"
                            for v, c in zip(row, block.columns, strict=True)
                        )
                        out.append(f"<tr>{cells}</tr>")
                out.append("</tbody>")
            out.append("</table>")
    return "".join(out) + "</body></html>"


def cpu_seconds() -> float:
    """CPU time of this process and of the render processes it has had: they are the forkserver's children
    (reaped by it when a pool closes), so their time is read from its /proc entry."""
    from multiprocessing import forkserver

    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if pid:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime
    return total


def timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    fn()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tracebacks", type=int, default=500)
    parser.add_argument("--hops", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, help="render processes (default: the setting)")
    parser.add_argument("--per-part", type=int, help="exhibits a part (default: the setting)")
    parser.add_argument(
        "--weasyprint-tables",
        action="store_true",
        help="also time the tables laid out by WeasyPrint (before)",
    )
    args = parser.parse_args()
    if args.workers:
        os.environ["RESPONSE_RENDER_WORKERS"] = str(args.workers)
    if args.per_part:
        os.environ["RESPONSE_EXHIBITS_PER_PART"] = str(args.per_part)
    with tempfile.TemporaryDirectory(prefix="itg-bench-responses-") as tmp:
        setup_django(Path(tmp))
        run(args)


def run(args) -> None:
    from django.conf import settings

    from itg.pdf import PdfPart, render_bates_pdf_parts
    from subpoenas.responses.assemble import package_for
    from subpoenas.responses.models import Response
    from subpoenas.responses.package import data_exhibits, with_manifest
    from subpoenas.responses.services import response_render_and_sign
    from subpoenas.responses.tables import package_parts

    workers, per_part = settings.RESPONSE_RENDER_WORKERS, settings.RESPONSE_EXHIBITS_PER_PART
    demand, ivy = build_world(args.tracebacks, args.hops)
    warm = new_version(demand, ivy, 1)  # imports, fonts, the development CA: paid once per worker
    package = with_manifest(package_for(warm), data_exhibits(package_for(warm)))
    parts = package_parts(package, per_part)
    # Before: the drawn parts as WeasyPrint tables, split as the HTML parts were (50 exhibits a part).
    before = [
        p if p.drawn is None else PdfPart(weasyprint_tables(p.drawn)) for p in package_parts(package, 50)
    ]
    render_bates_pdf_parts([PdfPart("<p>warm-up</p>")] * 2, prefix="ITG-X", workers=workers)  # the forkserver
    bare_parts([PdfPart("<p>warm-up</p>")] * 2, workers)
    times: dict[str, list[tuple[float, float]]] = {"whole": [], "bare": [], "before": []}
    version = 1
    for _ in range(args.repeats):
        version += 1
        response = new_version(demand, ivy, version)
        times["whole"].append(timed(partial(response_render_and_sign, response_id=response.pk)))
        times["bare"].append(timed(lambda: bare_parts(parts, workers)))
        if args.weasyprint_tables:
            times["before"].append(timed(lambda: bare_parts(before, workers)))
    last = Response.objects.select_related("document").get(pk=response.pk)
    assert last.status == "signed", last.error
    doc = last.document
    pages = doc.bates_last - doc.bates_first + 1
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    drawn = sum(p.drawn is not None for p in parts)
    print(
        f"{len(package.exhibits)} tracebacks, {package.hop_count} hops, {pages} pages, {doc.size / 1e6:.2f} MB "
        f"signed; {len(parts)} parts ({len(parts) - drawn} HTML, {drawn} drawn, up to {per_part} exhibits a "
        f"part), {workers} render processes, {os.cpu_count()} cores; load average {load}"
    )
    rows = [
        ("whole package (DB -> signed, stored)", "whole"),
        ("bare render, same parts", "bare"),
    ]
    if args.weasyprint_tables:
        rows.append(("WeasyPrint tables instead (before)", "before"))
    for label, key in rows:
        walls, cpus = [w for w, _ in times[key]], [c for _, c in times[key]]
        print(
            f"  {label:<38} {statistics.median(walls):6.2f} s  CPU {statistics.median(cpus):6.2f} s  "
            f"({', '.join(f'{w:.2f}' for w in walls)})"
        )
    whole, bare = (statistics.median(w for w, _ in times[k]) for k in ("whole", "bare"))
    print(f"  ratio {whole / bare:.2f}x (target <= 1.3x); whole package {whole:.2f} s (target < 10 s)")
    print(f"  Bates {doc.bates_range}; development signature: {doc.is_development}")


if __name__ == "__main__":
    main()
