"""Benchmark: render and sign a whole response package of 500 tracebacks (about 2,500 hops).

Prints, as medians of interleaved runs:
  * the whole package: `response_render_and_sign` end to end (records read from the database, CSV and JSON
    exhibits, HTML, WeasyPrint render with Bates numbers and PDF/A-3b, PAdES signature, storage, register);
  * WeasyPrint alone on the same HTML (same stylesheet, plain PDF): the baseline;
  * their ratio. Targets: ratio <= 1.3 and the whole package under 10 s.

Run: `.venv/bin/python bench/responses.py [--tracebacks 500] [--hops 5] [--repeats 3]`. It works in a
throwaway SQLite database and media folder under a temporary directory, removed afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
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


def bare_render(html: str) -> bytes:
    import weasyprint

    from itg import pdf as itg_pdf

    font_config = weasyprint.text.fonts.FontConfiguration()
    css = weasyprint.CSS(string=itg_pdf.BASE_CSS, font_config=font_config)
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[css], font_config=font_config)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tracebacks", type=int, default=500)
    parser.add_argument("--hops", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="itg-bench-responses-") as tmp:
        setup_django(Path(tmp))
        run(args)


def run(args) -> None:
    from itg.pdf import render_bates_pdf
    from subpoenas.responses.assemble import package_for
    from subpoenas.responses.models import Response
    from subpoenas.responses.package import data_exhibits, package_html, with_manifest
    from subpoenas.responses.services import response_render_and_sign

    demand, ivy = build_world(args.tracebacks, args.hops)
    warm = new_version(demand, ivy, 1)  # imports, fonts, the development CA: paid once per worker
    package = with_manifest(package_for(warm), data_exhibits(package_for(warm)))
    html = package_html(package)
    render_bates_pdf("<p>warm-up</p>", prefix="ITG-X")
    bare_render("<p>warm-up</p>")
    whole, bare, version = [], [], 1
    for _ in range(args.repeats):
        version += 1
        response = new_version(demand, ivy, version)
        t0 = time.perf_counter()
        response_render_and_sign(response_id=response.pk)
        whole.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        bare_render(html)
        bare.append(time.perf_counter() - t0)
    last = Response.objects.select_related("document").get(pk=response.pk)
    assert last.status == "signed", last.error
    doc = last.document
    pages = doc.bates_last - doc.bates_first + 1
    print(
        f"{len(package.exhibits)} tracebacks, {package.hop_count} hops, {pages} pages, {doc.size / 1e6:.2f} MB signed"
    )
    print(
        f"  whole package (DB -> signed, stored)  {statistics.median(whole):6.2f} s  ({', '.join(f'{t:.2f}' for t in whole)})"
    )
    print(
        f"  WeasyPrint alone, same HTML           {statistics.median(bare):6.2f} s  ({', '.join(f'{t:.2f}' for t in bare)})"
    )
    print(
        f"  ratio                                 {statistics.median(whole) / statistics.median(bare):6.2f}x  (target <= 1.3x, < 10 s)"
    )
    print(f"  Bates {doc.bates_range}; development signature: {doc.is_development}")


if __name__ == "__main__":
    main()
