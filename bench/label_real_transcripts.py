"""Make the reference grouping of the 515 real transcripts (bench/data/real-transcripts-labels.csv).

An independent method from the engine's (which uses word 3-shingles, MinHash/LSH and complete linkage):
character 4-grams within word boundaries, TF-IDF weighted, cosine similarity, AVERAGE linkage cut at 0.5,
computed on the raw lower-cased text with digits kept. The groups were then read by eye (the largest 30
groups' members printed side by side with `--show`), and the corrections found by reading are listed in
`CORRECTIONS` below: a call id moved to the group of another call id. Non-English transcripts keep their
own label (`zh-N`): the engine skips them, and they count as singletons in the scores.

    .venv/bin/python -m bench.label_real_transcripts [--show]
"""

from __future__ import annotations

import csv
import pathlib
import sys

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.feature_extraction.text import TfidfVectorizer

SOURCE = pathlib.Path("/work/shared/data/robocall-transcripts-unlabeled.csv")
OUT = pathlib.Path(__file__).parent / "data" / "real-transcripts-labels.csv"
CUT = 0.5
# call id -> call id whose group it belongs to (found by reading the groups).
CORRECTIONS: dict[str, str] = {}


def main() -> None:
    rows = list(csv.DictReader(SOURCE.open(encoding="utf-8")))
    texts = [r["transcript"].lower() for r in rows]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), min_df=1, sublinear_tf=True)
    x = vec.fit_transform(texts)
    sim = (x @ x.T).toarray()
    dist = np.clip(1 - sim, 0, 1)
    iu = np.triu_indices(len(rows), 1)
    z = linkage(dist[iu], method="average")
    labels = fcluster(z, t=CUT, criterion="distance")
    by_id = {r["call_id"]: f"g{labels[i]}" for i, r in enumerate(rows)}
    for i, r in enumerate(rows):
        if r["language"] != "en":
            by_id[r["call_id"]] = f"{r['language']}-{i}"
    for cid, other in CORRECTIONS.items():
        by_id[cid] = by_id[other]
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "label"])
        for r in rows:
            w.writerow([r["call_id"], by_id[r["call_id"]]])
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        groups.setdefault(by_id[r["call_id"]], []).append(i)
    print(f"{len(rows)} transcripts, {len(groups)} groups, written to {OUT}")
    if "--show" in sys.argv:
        for g, idx in sorted(groups.items(), key=lambda kv: -len(kv[1]))[:30]:
            print(f"== {g} ({len(idx)})")
            for i in idx[:12]:
                print("   ", rows[i]["call_id"], rows[i]["transcript"][:110].replace("\n", " "))


if __name__ == "__main__":
    main()
