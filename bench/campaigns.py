"""Benchmark and measurement of campaign detection (tracebacks/detection).

    .venv/bin/python bench/campaigns.py quality      # ARI, homogeneity, completeness; the similarity histogram
    .venv/bin/python bench/campaigns.py scale [--n 100000]   # end-to-end clustering time and peak memory

`quality` scores the engine against two labelled sets it was not tuned on:
- the 515 real transcripts of ../shared/data grouped by an independent method (bench/label_real_transcripts.py:
  character 4-gram TF-IDF cosine, average linkage), labels in bench/data/real-transcripts-labels.csv, and
  the same transcripts grouped by reading them, bench/data/real-transcripts-hand-labels.csv (see its .md);
- synthetic variations of the hand-labelled scripts (cut prefixes and endings, ASR word errors, other call-back numbers,
  names and amounts; tracebacks/detection/synthetic.py), 10 per reference group of two or more calls.
`scale` clusters N synthetic transcripts (2,000 campaigns: the real scripts plus scripts invented from their
vocabulary) through the same path as `cluster_transcripts`, and prints the time beside a bare pass over
the text (normalisation only), the floor any method pays.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # bench/queue.py would shadow the stdlib's queue
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itg.settings")

from tracebacks.detection import engine, synthetic  # noqa: E402

REAL = Path(os.environ.get("ITG_REAL_TRANSCRIPTS", "/work/shared/data/robocall-transcripts-unlabeled.csv"))
LABELS = Path(__file__).parent / "data" / "real-transcripts-labels.csv"
# The same 515 transcripts grouped by reading them (bench/data/real-transcripts-hand-labels.md says how).
HAND_LABELS = Path(__file__).parent / "data" / "real-transcripts-hand-labels.csv"


def _real() -> list[dict]:
    with REAL.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _scores(truth: list[str], found: list[str]) -> str:
    from sklearn.metrics import adjusted_rand_score, completeness_score, homogeneity_score

    return (
        f"ARI {adjusted_rand_score(truth, found):.3f}  homogeneity {homogeneity_score(truth, found):.3f}  "
        f"completeness {completeness_score(truth, found):.3f}"
    )


def quality() -> None:
    import numpy as np

    rows = _real()
    refs = {}
    for name, path in (("independent TF-IDF labels", LABELS), ("hand labels", HAND_LABELS)):
        with path.open(encoding="utf-8") as fh:
            refs[name] = {r["id"]: r["label"] for r in csv.DictReader(fh)}
    ref = refs["hand labels"]
    sims = engine.pair_similarities([r["transcript"] for r in rows])
    print(f"Pairwise similarity of the distinct usable real transcripts ({len(sims):,} pairs), no labels:")
    hist, edges = np.histogram(sims, bins=20, range=(0, 1))
    for count, lo in zip(hist, edges, strict=False):
        mark = "  <- TEXT_THRESHOLD" if lo <= engine.TEXT_THRESHOLD < lo + 0.05 else ""
        print(f"  {lo:.2f}-{lo + 0.05:.2f} {count:7,d} {'#' * min(60, int(count / 15))}{mark}")
    started = time.perf_counter()
    res = engine.cluster_calls([engine.Call(r["call_id"], r["transcript"]) for r in rows])
    took = time.perf_counter() - started
    labels = res.labels()
    found = [
        str(labels[r["call_id"]]) if labels[r["call_id"]] is not None else "skip-" + r["call_id"]
        for r in rows
    ]
    print(f"\nReal transcripts ({len(rows)}; {len(set(found))} groups found, {took:.2f} s)")
    for name, labels_of in refs.items():
        truth = [labels_of[r["call_id"]] for r in rows]
        print(f"  against the {name} ({len(set(truth))} groups): " + _scores(truth, found))
    groups: dict[str, list[str]] = {}
    for r in rows:
        if r["language"] == "en":
            groups.setdefault(ref[r["call_id"]], []).append(r["transcript"])
    bases = [(g, max(ts, key=len)) for g, ts in groups.items() if len(ts) >= 2]
    for name, kw in (("moderate", {}), ("hard", {"error_rate": 0.12, "max_cut": 0.5})):
        syn = synthetic.planted(bases, per_campaign=10, seed=17, **kw)
        res = engine.cluster_calls([engine.Call(i, t) for i, t, _ in syn])
        labels = res.labels()
        print(
            f"Synthetic variations, {name} ({len(syn)} calls of {len(bases)} scripts): "
            + _scores([lab for *_, lab in syn], [str(labels[i]) for i, *_ in syn])
        )


def _scale_set(n: int, seed: int = 5) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    real = [r["transcript"] for r in _real() if r["language"] == "en"]
    vocab = sorted({w for t in real for w in t.split()})
    bases = [(f"r{i}", t) for i, t in enumerate(dict.fromkeys(real))]
    while len(bases) < 2000:
        bases.append((f"s{len(bases)}", synthetic.invent_script(rng, vocab, rng.randint(30, 120))))
    per = -(-n // len(bases))
    rows = synthetic.planted(bases, per_campaign=per, seed=seed)[:n]
    return rows


def scale(n: int) -> None:
    rows = _scale_set(n)
    calls = [engine.Call(i, t) for i, t, _ in rows]
    started = time.perf_counter()
    for c in calls:
        engine.normalise(c.transcript)
    floor = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    res = engine.cluster_calls(calls)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    labels = res.labels()
    print(
        f"{n:,} transcripts: clustered in {took:.1f} s wall, {cpu:.1f} s CPU (target < 60 s; normalisation "
        f"alone {floor:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores), "
        f"peak memory {peak:,.0f} MB (target < 2,048 MB), {len(res.clusters()):,} clusters"
    )
    print("  " + _scores([lab for *_, lab in rows], [str(labels[i]) for i, *_ in rows]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["quality", "scale"])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    if args.what == "quality":
        quality()
    else:
        scale(args.n)


if __name__ == "__main__":
    main()
