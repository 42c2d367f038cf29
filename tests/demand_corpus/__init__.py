"""A corpus of demand PDFs with their expected fields, and the field-level score of the reader over it.

Scoring: every expected value is one field (a scalar, a request's text or one of its dates, each number,
provider and campaign it names). A value the reader *filled* is right or wrong; a value it only offered
counts as not filled (a miss, never an error). precision = right / filled, recall = right / expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from tests.demand_corpus.docs import DOCS
from tests.demand_corpus.heldout import HELDOUT
from tests.demand_corpus.registry import CAMPAIGNS, PROVIDERS

SCALARS = ("kind", "date_issued", "date_served", "issuing_authority", "statute", "return_date", "response_days",
           "response_day_kind")  # fmt: skip


@cache
def pdf_of(name: str) -> bytes:
    from weasyprint import HTML

    html = next(d["html"] for d in DOCS + HELDOUT if d["name"] == name)
    return HTML(string=html).write_pdf()


def registry():
    from subpoenas.extraction import Registry

    return Registry(providers=PROVIDERS, campaigns=CAMPAIGNS)


def _n(value) -> str:
    return re.sub(r"[^a-z0-9§]", "", str(value).lower()) if value is not None else ""


@dataclass
class Score:
    right: int = 0
    wrong: int = 0
    missed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, where: str, expected, got) -> None:
        if got in (None, ""):
            if expected not in (None, ""):
                self.missed += 1
                self.errors.append(f"{where}: missed {expected!r}")
        elif _n(got) == _n(expected):
            self.right += 1
        else:
            self.wrong += 1
            self.errors.append(f"{where}: filled {got!r}, expected {expected!r}")
            if expected not in (None, ""):
                self.missed += 1

    def add_set(self, where: str, expected: list, got: list) -> None:
        e, g = {_n(x) for x in expected}, {_n(x) for x in got}
        self.right += len(e & g)
        self.wrong += len(g - e)
        self.missed += len(e - g)
        if e != g:
            self.errors.append(f"{where}: got {sorted(got)}, expected {sorted(expected)}")

    @property
    def precision(self) -> float:
        return self.right / max(1, self.right + self.wrong)

    @property
    def recall(self) -> float:
        return self.right / max(1, self.right + self.missed)


def score_one(doc: dict, prefill: dict, score: Score) -> None:
    exp, name = doc["expected"], doc["name"]
    fields = prefill["fields"]
    for key in SCALARS:
        f = fields.get(key)
        score.add(f"{name}.{key}", exp[key], f["value"] if f and f["filled"] else None)
    for code in exp["messages"]:
        score.add(
            f"{name}.message", code, code if any(m["code"] == code for m in prefill["messages"]) else None
        )
    got = prefill["requests"]
    for i, er in enumerate(exp["requests"]):
        gr = got[i] if i < len(got) else None
        where = f"{name}.request{i + 1}"
        score.add(f"{where}.text", er["text"], gr and gr["text"])
        score.add(f"{where}.date_from", er["date_from"], gr and gr["date_from"])
        score.add(f"{where}.date_to", er["date_to"], gr and gr["date_to"])
        if gr is None:
            score.missed += sum(
                len(er[k]) for k in ("numbers", "calling", "called", "providers", "campaigns")
            )
            continue
        score.add_set(f"{where}.numbers", er["numbers"], gr["phone_numbers"])
        score.add_set(f"{where}.calling", er["calling"], gr["calling_numbers"])
        score.add_set(f"{where}.called", er["called"], gr["called_numbers"])
        matched = [p["match"]["name"] for p in gr["providers"] if p["match"] and p["confidence"] >= 0.8]
        score.add_set(f"{where}.providers", er["providers"], matched)
        score.add_set(f"{where}.campaigns", er["campaigns"], gr["campaigns"])
    for extra in got[len(exp["requests"]) :]:
        score.add(f"{name}.request{extra['number']}.text", None, extra["text"])


def score_corpus(docs: list[dict] | None = None) -> tuple[Score, dict[str, Score]]:
    from subpoenas.extraction import read_demand

    total, per_doc = Score(), {}
    reg = registry()
    for doc in DOCS if docs is None else docs:
        prefill = read_demand(pdf_of(doc["name"]), registry=reg).as_json()
        one = Score()
        score_one(doc, prefill, one)
        per_doc[doc["name"]] = one
        total.right, total.wrong, total.missed = (
            total.right + one.right,
            total.wrong + one.wrong,
            total.missed + one.missed,
        )
        total.errors += one.errors
    return total, per_doc
