"""Benchmark: how well the demand reader fills the intake form, over the corpus in tests/demand_corpus/.

Prints, per document and in total, the field-level figures the tests assert: fields right, wrong (filled
with a wrong value) and missed (expected but not filled; a value only offered counts as missed), precision =
right / filled and recall = right / expected, beside the targets (precision >= 0.98, recall >= 0.90), then
the reader's time per document (the WeasyPrint render of the corpus is not counted). With `--errors`, every
wrong or missed field.

Run: `.venv/bin/python bench/extraction.py [--errors]`. No database is needed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every wrong or missed field")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from subpoenas.extraction import read_demand
    from tests.demand_corpus import DOCS, HELDOUT, pdf_of, registry, score_corpus

    for doc in DOCS:
        pdf_of(doc["name"])  # render first: the timing below is the reader's alone
    started = time.perf_counter()
    for doc in DOCS:
        read_demand(pdf_of(doc["name"]), registry=registry())
    per_doc_ms = (time.perf_counter() - started) * 1000 / len(DOCS)
    total, per_doc = score_corpus()
    print(f"{'document':38} {'right':>6} {'wrong':>6} {'missed':>7} {'precision':>10} {'recall':>7}")
    for name, s in per_doc.items():
        print(f"{name:38} {s.right:6} {s.wrong:6} {s.missed:7} {s.precision:10.3f} {s.recall:7.3f}")
    print(f"{'ALL (' + str(len(DOCS)) + ' documents)':38} {total.right:6} {total.wrong:6} {total.missed:7} "
          f"{total.precision:10.3f} {total.recall:7.3f}")  # fmt: skip
    print(f"targets: precision >= 0.98, recall >= 0.90; reader time {per_doc_ms:.0f} ms per document")
    held, held_docs = score_corpus(HELDOUT)
    print(f"second batch ({len(HELDOUT)} documents written after the reader; first run P 0.971 R 0.630, see heldout.py): right {held.right}, "
          f"wrong {held.wrong}, missed {held.missed}, precision {held.precision:.3f}, recall {held.recall:.3f}")  # fmt: skip
    if args.errors:
        print("\n".join(total.errors + held.errors) or "no wrong or missed field")


if __name__ == "__main__":
    main()
