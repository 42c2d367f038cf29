"""Synthetic variations of real robocall transcripts, with known campaigns (for tests and benchmarks).

Each variant keeps its base's label and carries the distortions real speech recognition and real campaigns
show: a prefix cut (the call was answered mid-sentence), word errors (substitutions, deletions, repeats),
another call-back number, another agent's or company's name, another amount.
"""

from __future__ import annotations

import random
import re

NAMES = ["Lisa", "Megan", "Officer Amanda Barnes", "Sarah", "John Miller", "Olivia", "Kevin", "Maria"]
COMPANIES = ["Spectrum", "Comcast Xfinity", "AT&T", "Duke Energy", "Chase Bank", "Capital One", "Apple"]
FILLER = ["uh", "the", "and", "a", "to", "you", "um", "of"]
PHONE_RE = re.compile(r"\(?\d{3}\)?[\s.\-]?\d{3}[\s.\-]?\d{4}")
NAME_RE = re.compile(r"\b(?:this is|my name is|calling you from)\s+([A-Z][a-z]+(?: [A-Z][a-z]+)?)")


def random_phone(rng: random.Random) -> str:
    return f"{rng.randint(201, 989)}-{rng.randint(201, 989)}-{rng.randint(0, 9999):04d}"


def vary(text: str, rng: random.Random, *, error_rate: float = 0.06, max_cut: float = 0.35) -> str:
    """One noisy copy of a transcript."""
    text = PHONE_RE.sub(lambda _m: random_phone(rng), text)
    text = NAME_RE.sub(lambda m: m.group(0).replace(m.group(1), rng.choice(NAMES + COMPANIES)), text)
    text = re.sub(r"\$\d[\d,]*(?:\.\d+)?", lambda _m: f"${rng.randint(100, 2000)}", text)
    words = text.split()
    if len(words) > 12 and rng.random() < 0.7:
        words = words[int(len(words) * rng.uniform(0, max_cut)) :]
    if len(words) > 12 and rng.random() < 0.3:
        words = words[: len(words) - int(len(words) * rng.uniform(0, 0.2))]
    out: list[str] = []
    for w in words:
        r = rng.random()
        if r < error_rate / 3:
            continue  # deletion
        if r < 2 * error_rate / 3:
            out.append(rng.choice(FILLER))  # substitution
            continue
        out.append(w)
        if r > 1 - error_rate / 3:
            out.append(w)  # repeat
    return " ".join(out)


def planted(
    bases: list[tuple[str, str]], *, per_campaign: int, seed: int = 7, **kw
) -> list[tuple[str, str, str]]:
    """(id, transcript, label) rows: `per_campaign` variants of each (label, base transcript)."""
    rng = random.Random(seed)
    rows = []
    for label, text in bases:
        for k in range(per_campaign):
            rows.append((f"{label}-{k}", vary(text, rng, **kw), label))
    rng.shuffle(rows)
    return rows


def invent_script(rng: random.Random, vocabulary: list[str], length: int = 60) -> str:
    """A random script from a vocabulary (for scale tests: many distinct campaigns that share words)."""
    return " ".join(rng.choice(vocabulary) for _ in range(length))
