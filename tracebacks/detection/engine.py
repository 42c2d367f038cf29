"""Campaign detection: group calls that play the same recording or read the same script.

Pure Python + numpy/scipy (no Django), so `manage.py cluster_transcripts` and the benchmarks run it on any
CSV without a database, and the services run it on call records and traceback sample calls alike.

The pipeline, in order:
1. `normalise()`: lower case, punctuation removed, phone numbers -> `<phone>`, amounts -> `<amount>`, other
   digit runs -> `<num>`; the phone numbers are kept apart as call-back numbers (10 digits, NANP).
   Unusable input (empty, not in a Latin script, over `MAX_CHARS`) is skipped with a reason.
2. Identical normalised texts are collapsed (one "unique text" stands for all its calls), so the quadratic
   step below runs on distinct texts only.
3. Word 3-shingles -> a vectorised numpy MinHash (multiply-shift hashing) -> LSH banding: texts that share
   a band bucket are candidates; connected components of candidates are clustered one at a time.
4. Inside each component, exact shingle similarity (sparse matrix product) and complete linkage cut at
   `TEXT_THRESHOLD`: every pair inside a text cluster is at least that similar, so no chaining.
5. Extra edges join text clusters: calls that share a call-back number or a caller ID join when their
   texts still agree at `NUMBER_TEXT_THRESHOLD`; calls whose recordings' Chromaprint fingerprints agree at
   `AUDIO_THRESHOLD` join whatever the speech recogniser heard.

Every threshold was chosen without labels; the reasoning is written next to each constant.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components

# --- limits on input ----------------------------------------------------------------------------------------
# A robocall transcript is a minute or two of speech: the longest of the 515 real ones is about 2,500
# characters. 50,000 characters is twenty times that; anything longer is not a call's transcript (a log
# pasted by mistake, a 1 MB blob) and would dominate the shingle set, so it is skipped with a reason.
MAX_CHARS = 50_000
# Fewer than this many words give no 3-shingle that says anything ("press one"): such texts are grouped
# only with texts identical after normalisation.
MIN_WORDS = 4
# Share of letters that must be Latin for the text to be read as English/Spanish word tokens; the five
# Mandarin transcripts in the real sample have none. Word shingles mean nothing on unsegmented scripts.
MIN_LATIN_SHARE = 0.6

# --- text similarity ----------------------------------------------------------------------------------------
SHINGLE = 3
# 128 hash functions in 32 bands of 4 rows: the LSH S-curve 1-(1-s^4)^32 passes 0.5 at s~0.39 and gives a
# candidate with probability 0.98 at s=0.6 and 0.05 at s=0.2, so a pair at the text threshold below is
# found almost surely while unrelated scripts (s<0.1 in the real sample) almost never meet.
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
# Similarity of two shingle sets: the overlap coefficient |A∩B| / min(|A|,|B|), not plain Jaccard, because
# transcripts begin mid-sentence: a 20-second cut of a 60-second script shares nearly all its shingles with
# the full script but has a Jaccard of only ~0.3. The longer text must still not dwarf the shorter: below
# `MIN_SIZE_RATIO` the pair falls back to Jaccard (a three-word fragment "press 1 to" must not join every
# script that contains it).
MIN_SIZE_RATIO = 0.25
# TEXT_THRESHOLD: chosen from the distribution of pairwise similarities among the distinct usable real
# transcripts of ../shared/data (342 distinct texts, 58,311 pairs, no labels used; `bench/campaigns.py`
# prints the histogram). It is bimodal: 89% of pairs sit below 0.10 (different scripts that share "press 1"
# or "call us at <phone>"), falling steadily to the valley; a second mode rises from 0.5 to 1.0 (the same
# script heard differently or cut; 638 pairs in 0.95-1.0). In bins of 0.025 the valley floor is 0.425-0.5
# (46, 52, 39 pairs, against 188 at 0.2 and 72 at 0.525). The cut sits in the middle of the floor, 0.45.
# Complete linkage demands it of every pair inside a cluster, so no chain of near pairs drifts across it.
TEXT_THRESHOLD = 0.45
# A shared call-back number or caller ID is strong evidence (a campaign pays for its numbers), so texts
# that share one need to agree only past the bulk of the different-script mode: 94% of all real pairs are
# below 0.2, and the rest include the same-script pairs. 0.25 is clear of that bulk and well below the cut.
NUMBER_TEXT_THRESHOLD = 0.25
# Components larger than this many distinct texts are re-banded more strictly before complete linkage,
# which needs n^2 similarities (3,000 texts = 36 MB of float32 per temporary array).
MAX_COMPONENT = 3_000
SMALL_COMPONENT = 64
PAIR_BATCH = 100_000

# --- audio --------------------------------------------------------------------------------------------------
# Chromaprint frames are 32-bit sub-fingerprints at ~8 per second. Two unrelated recordings agree on about
# half their bits; taking the best of 81 offsets lifts that to about 0.6-0.65 (0.64 measured on espeak-ng
# speech of another message). The same recording resampled, trimmed or made quieter agrees at 0.96-1.0,
# the same words at another speaking rate at 0.88. No labels are needed to place the cut: the chance
# level at best offset is ~0.65 and the copy level ~0.95; 0.80 sits between them, far from both.
AUDIO_THRESHOLD = 0.80
AUDIO_MAX_OFFSET = 40
# At least ~4 s of overlapping audio: a shorter overlap agrees by chance too often.
AUDIO_MIN_FRAMES = 30
FPCALC_TIMEOUT = 30

WORD_RE = re.compile(r"<phone>|<amount>|<num>|[^\W\d_]+(?:'[^\W\d_]+)*")
ASCII_WORD_RE = re.compile(r"<phone>|<amount>|<num>|[a-z]+(?:'[a-z]+)*")  # WORD_RE on lower-case ASCII
# One pass over the text: a phone number, else an amount, else any other digit run. Every alternative starts
# with a digit, "+", "(" or "$": the leading lookahead says so, and lets the scan skip every other position
# at once (without it the phone alternative's optional parts are tried at each character, 10x slower).
NUMBERS_RE = re.compile(
    r"(?=[\d+($])(?:(?<!\d)(?:\+?1[\s.\-]*)?\(?(?P<area>[2-9]\d{2})\)?[\s.\-]*(?P<ex>[2-9]\d{2})[\s.\-]*(?P<line>\d{4})(?!\d)"
    r"|(?P<amount>\$\s*\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s*(?:dollars?|usd|bucks)\b)"
    r"|\d+(?:[.,]\d+)*)",
    re.IGNORECASE,
)
DIGIT_ANY = re.compile(r"\d")
LETTER_RE = re.compile(r"[^\W\d_]")
NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


@dataclasses.dataclass
class Call:
    """One call to group: an id, what was said, and how it called."""

    id: str
    transcript: str = ""
    calling_number: str = ""
    called_number: str = ""
    call_at: str = ""
    recording: str = ""  # a path to an audio file fpcalc can read


@dataclasses.dataclass
class Normalised:
    text: str
    tokens: list[str]
    callback_numbers: list[str]
    skipped: str = ""  # the reason, when the text cannot be used


@dataclasses.dataclass
class Membership:
    """Why a call is in its cluster."""

    cluster: int | None
    reasons: set[str] = dataclasses.field(default_factory=set)  # "text", "number", "audio", "identical"
    similarity: float = 1.0  # to the cluster's representative text
    skipped: str = ""
    callback_numbers: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Result:
    members: dict[str, Membership]
    representatives: dict[int, str]  # cluster -> id of the call whose text stands for it
    audio_skipped: dict[str, str]

    def labels(self) -> dict[str, int | None]:
        return {cid: m.cluster for cid, m in self.members.items()}

    def clusters(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = defaultdict(list)
        for cid, m in self.members.items():
            if m.cluster is not None:
                out[m.cluster].append(cid)
        return dict(out)


def e164_digits(number: str) -> str:
    """The 10 NANP digits of a written number, or "" (caller IDs come as +1…, 1…, (xxx) xxx-xxxx)."""
    digits = re.sub(r"\D", "", number or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) == 10 else ""


def normalise(transcript: str) -> Normalised:
    text = transcript or ""
    if not text.strip():
        return Normalised("", [], [], skipped="empty transcript")
    if len(text) > MAX_CHARS:
        return Normalised(
            "", [], [], skipped=f"transcript longer than {MAX_CHARS:,} characters ({len(text):,})"
        )
    if not text.isascii():  # the common case (plain ASCII) needs no per-character look
        text = unicodedata.normalize("NFKC", text)
        letters = len(LETTER_RE.findall(text))
        other = sum(
            1 for ch in NON_ASCII_RE.findall(text) if ch.isalpha() and "LATIN" not in unicodedata.name(ch, "")
        )
        if letters and (letters - other) / letters < MIN_LATIN_SHARE:
            return Normalised(
                "", [], [], skipped="not in a Latin script (word shingles need English or Spanish)"
            )
    if not LETTER_RE.search(text):
        return Normalised("", [], [], skipped="no words in the transcript")
    callbacks: list[str] = []
    if DIGIT_ANY.search(text):

        def mask(m: re.Match) -> str:
            if m.group("area"):
                callbacks.append(m.group("area") + m.group("ex") + m.group("line"))
                return " <phone> "
            return " <amount> " if m.group("amount") else " <num> "

        text = NUMBERS_RE.sub(mask, text)
    low = text.lower()
    if low.isascii():  # the common case: the same tokens as WORD_RE gives, by a narrower, faster pattern
        tokens = ASCII_WORD_RE.findall(low)
    else:
        tokens = WORD_RE.findall(low.replace("’", "'"))
        tokens = [t.strip("'") for t in tokens if t.strip("'")]
    return Normalised(" ".join(tokens), tokens, list(dict.fromkeys(callbacks)))


# --- MinHash / LSH ------------------------------------------------------------------------------------------


def _shingle_ids(docs: Sequence[list[str]], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """All 3-shingles as uint64 ids (concatenated) and each document's offset; docs shorter than a shingle
    contribute their whole token sequence as one shingle."""
    chunks: list[np.ndarray] = []
    offsets = np.zeros(len(docs) + 1, dtype=np.int64)
    for i, tokens in enumerate(docs):
        ids = np.fromiter(
            (vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.uint64, count=len(tokens)
        )
        if len(ids) >= SHINGLE:
            sh = (
                ids[: len(ids) - 2] * np.uint64(1 << 42)
                ^ ids[1 : len(ids) - 1] * np.uint64(1 << 21)
                ^ ids[2:]
            )
        else:
            sh = np.array(
                [np.bitwise_xor.reduce(ids * np.uint64(0x9E3779B1)) if len(ids) else 0], dtype=np.uint64
            )
        sh = np.unique(sh)
        chunks.append(sh)
        offsets[i + 1] = offsets[i] + len(sh)
    return (np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.uint64)), offsets


def minhash(shingles: np.ndarray, offsets: np.ndarray, num_perm: int = NUM_PERM, seed: int = 1) -> np.ndarray:
    """(n_docs, num_perm) uint32 signatures: multiply-shift hashes (a*x + b) >> 32, min per document."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    n = len(offsets) - 1
    sig = np.empty((n, num_perm), dtype=np.uint32)
    # Mix the shingle ids first so that nearby ids spread over all 64 bits.
    x = (shingles * np.uint64(0xBF58476D1CE4E5B9)) ^ (shingles >> np.uint64(31))
    starts = offsets[:-1]
    # Chunks of hash functions keep the temporary (len(x) * chunk) array small.
    chunk = max(1, min(num_perm, 2**23 // max(1, len(x))))
    with np.errstate(over="ignore"):
        for lo in range(0, num_perm, chunk):
            hi = min(num_perm, lo + chunk)
            h = np.multiply(x[:, None], a[None, lo:hi])
            h += b[None, lo:hi]
            # Shifting is monotonic, so the minimum of (a*x + b) >> 32 is the minimum's top half: reduce
            # first, shift the small result.
            sig[:, lo:hi] = (np.minimum.reduceat(h, starts, axis=0) >> np.uint64(32)).astype(np.uint32)
    return sig


def lsh_pairs(sig: np.ndarray, bands: int = BANDS) -> tuple[np.ndarray, np.ndarray]:
    """Edges linking documents that share a band bucket (each bucket as a star on its first member)."""
    n, k = sig.shape
    rows = k // bands
    src: list[np.ndarray] = []
    dst: list[np.ndarray] = []
    for band in range(bands):
        block = np.ascontiguousarray(sig[:, band * rows : (band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        new = np.ones(n, dtype=bool)
        new[1:] = sk[1:] != sk[:-1]
        first = np.maximum.accumulate(np.where(new, np.arange(n), 0))
        leader = order[first]
        mask = leader != order
        src.append(leader[mask])
        dst.append(order[mask])
    return np.concatenate(src), np.concatenate(dst)


def _components(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    graph = sparse.coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    return labels


def similarity_matrix(rows: sparse.csr_matrix) -> np.ndarray:
    """Dense pairwise similarity of the given shingle rows (overlap coefficient, Jaccard when sizes differ
    more than `MIN_SIZE_RATIO`)."""
    inter = (rows @ rows.T).toarray().astype(np.float32)
    sizes = np.asarray(rows.sum(axis=1)).ravel().astype(np.float32)
    small = np.minimum.outer(sizes, sizes)
    large = np.maximum.outer(sizes, sizes)
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = inter / small
        jaccard = inter / (sizes[:, None] + sizes[None, :] - inter)
        sim = np.where(small / large >= MIN_SIZE_RATIO, overlap, jaccard)
    return np.nan_to_num(sim)


def rowwise_similarity(matrix: sparse.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Similarity of each row pair (left[i], right[i]), vectorised (same measure as `similarity_matrix`)."""
    a, b = matrix[left], matrix[right]
    inter = np.asarray(a.multiply(b).sum(axis=1)).ravel().astype(np.float64)
    sa = np.asarray(a.sum(axis=1)).ravel().astype(np.float64)
    sb = np.asarray(b.sum(axis=1)).ravel().astype(np.float64)
    small, large = np.minimum(sa, sb), np.maximum(sa, sb)
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = np.where(small / large >= MIN_SIZE_RATIO, inter / small, inter / (sa + sb - inter))
    return np.nan_to_num(sim, nan=1.0)


def _complete_linkage(sim: np.ndarray, threshold: float) -> np.ndarray:
    n = sim.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    dist = 1.0 - sim
    np.fill_diagonal(dist, 0.0)
    iu = np.triu_indices(n, 1)
    z = linkage(np.clip(dist[iu], 0, 1), method="complete")
    return fcluster(z, t=1.0 - threshold + 1e-9, criterion="distance") - 1


class _Shingles:
    """Unique texts as a sparse binary matrix, for exact similarity on any subset."""

    def __init__(self, shingles: np.ndarray, offsets: np.ndarray):
        n = len(offsets) - 1
        _, cols = np.unique(shingles, return_inverse=True)
        rows = np.repeat(np.arange(n), np.diff(offsets))
        self.matrix = sparse.csr_matrix(
            (np.ones(len(cols), dtype=np.float32), (rows, cols.ravel())),
            shape=(n, int(cols.max(initial=-1)) + 1),
        )

    def sim(self, idx: Sequence[int] | np.ndarray) -> np.ndarray:
        return similarity_matrix(self.matrix[np.asarray(idx)])

    def pair(self, i: int, j: int) -> float:
        return float(self.sim([i, j])[0, 1])


def _text_clusters(sh: _Shingles, sig: np.ndarray) -> np.ndarray:
    n = sig.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return labels
    src, dst = lsh_pairs(sig)
    comp = _components(n, src, dst)
    next_label = 0
    order = np.argsort(comp, kind="stable")
    bounds = np.flatnonzero(np.diff(comp[order])) + 1
    groups = np.split(order, bounds)
    # Small components (most of them) are scored in one vectorised pass over all their pairs; a component
    # whose every pair reaches the threshold is one cluster without any linkage (complete linkage would
    # give the same), the rest go through complete linkage on their small matrix.
    small = [g for g in groups if 2 <= len(g) <= SMALL_COMPONENT]
    pair_sims: dict[int, np.ndarray] = {}
    if small:
        lefts, rights, owner = [], [], []
        for k, g in enumerate(small):
            iu = np.triu_indices(len(g), 1)
            lefts.append(g[iu[0]])
            rights.append(g[iu[1]])
            owner.append(np.full(len(iu[0]), k))
        left, right, own = np.concatenate(lefts), np.concatenate(rights), np.concatenate(owner)
        # In slices: each pair materialises its two sparse rows.
        sims = np.concatenate(
            [
                rowwise_similarity(sh.matrix, left[i : i + PAIR_BATCH], right[i : i + PAIR_BATCH])
                for i in range(0, len(left), PAIR_BATCH)
            ]
        )
        cuts = np.flatnonzero(np.diff(own)) + 1
        for k, part in enumerate(np.split(sims, cuts)):
            pair_sims[k] = part
    small_index = {id(g): k for k, g in enumerate(small)}
    for group in groups:
        if len(group) == 1:
            labels[group[0]] = next_label
            next_label += 1
            continue
        k = small_index.get(id(group))
        if k is not None:
            sims = pair_sims[k]
            if sims.min() >= TEXT_THRESHOLD:
                labels[group] = next_label
                next_label += 1
                continue
            m = np.eye(len(group), dtype=np.float32)
            iu = np.triu_indices(len(group), 1)
            m[iu] = sims
            m.T[iu] = sims
            local = _complete_linkage(m, TEXT_THRESHOLD)
            labels[group] = next_label + local
            next_label += int(local.max()) + 1
            continue
        for part in _bounded(group, sig):
            if len(part) == 1:
                labels[part[0]] = next_label
                next_label += 1
                continue
            local = _complete_linkage(sh.sim(part), TEXT_THRESHOLD)
            labels[part] = next_label + local
            next_label += int(local.max()) + 1
    return labels


def _bounded(group: np.ndarray, sig: np.ndarray, bands: int = BANDS) -> list[np.ndarray]:
    """Split an oversized candidate component with fewer, longer bands (a stricter LSH) until it fits."""
    if len(group) <= MAX_COMPONENT or bands <= 1:
        return [group]
    sub = sig[group]
    src, dst = lsh_pairs(sub, bands=bands // 2)
    comp = _components(len(group), src, dst)
    out: list[np.ndarray] = []
    for c in np.unique(comp):
        out.extend(_bounded(group[comp == c], sig, bands // 2))
    if bands // 2 <= 1:
        # Still too large at one band of all rows: cut it into pieces in signature order (near texts sort
        # together); the number and audio edges below can still join pieces.
        final: list[np.ndarray] = []
        for part in out:
            final.extend(np.array_split(part, -(-len(part) // MAX_COMPONENT)))
        return final
    return out


# --- audio fingerprints -------------------------------------------------------------------------------------


class AudioError(Exception):
    pass


def fpcalc_available() -> bool:
    return shutil.which("fpcalc") is not None


def fingerprint(path: str, *, length: int = 120) -> np.ndarray:
    """Chromaprint's raw fingerprint of an audio file (uint32 frames), by Debian's `fpcalc -raw -plain`."""
    exe = shutil.which("fpcalc")
    if not exe:
        raise AudioError("fpcalc is not installed (Debian package libchromaprint-tools)")
    try:
        proc = subprocess.run(  # noqa: S603 - fixed executable, path passed as one argument
            [exe, "-raw", "-plain", "-length", str(length), path],
            capture_output=True,
            text=True,
            timeout=FPCALC_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AudioError("fpcalc took longer than 30 s") from exc
    values = proc.stdout.strip()
    if not values:
        reason = (proc.stderr.strip().splitlines() or ["no fingerprint"])[-1]
        raise AudioError(f"cannot read the recording: {reason[:200]}")
    try:
        fp = np.array([int(v) & 0xFFFFFFFF for v in values.split(",")], dtype=np.uint32)
    except ValueError as exc:
        raise AudioError("fpcalc printed something that is not a fingerprint") from exc
    if len(fp) < AUDIO_MIN_FRAMES:
        raise AudioError(f"recording too short for a fingerprint ({len(fp)} frames)")
    # Silence fingerprints to a near-constant sequence, which would match any other silence.
    if len(np.unique(fp)) < max(4, len(fp) // 20):
        raise AudioError("recording is silent or a constant tone")
    return fp


_POP = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount(x: np.ndarray) -> np.ndarray:
    b = x.view(np.uint8).reshape(-1, 4)
    return _POP[b].sum(axis=1)


def audio_agreement(a: np.ndarray, b: np.ndarray, max_offset: int = AUDIO_MAX_OFFSET) -> float:
    """Share of equal bits between two fingerprints at the best offset within ±max_offset frames."""
    best = 0.0
    for off in range(-max_offset, max_offset + 1):
        if off >= 0:
            x, y = a[off:], b
        else:
            x, y = a, b[-off:]
        n = min(len(x), len(y))
        if n < AUDIO_MIN_FRAMES:
            continue
        diff = _popcount(np.bitwise_xor(x[:n], y[:n])).sum()
        best = max(best, 1.0 - diff / (32.0 * n))
    return best


def _audio_candidates(fps: dict[str, np.ndarray]) -> Iterable[tuple[str, str]]:
    ids = list(fps)
    if len(ids) <= 300:
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                yield ids[i], ids[j]
        return
    # Larger sets: an inverted index on the top 16 bits of each frame (the most stable ones); pairs that
    # share at least 8 distinct keys are compared exactly.
    index: dict[int, list[int]] = defaultdict(list)
    for n, cid in enumerate(ids):
        for key in np.unique(fps[cid] >> np.uint32(16)):
            index[int(key)].append(n)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for members in index.values():
        if len(members) > 200:  # a key every recording has says nothing
            continue
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                counts[(members[i], members[j])] += 1
    for (i, j), c in counts.items():
        if c >= 8:
            yield ids[i], ids[j]


# --- the whole run ------------------------------------------------------------------------------------------


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


def cluster_calls(calls: Sequence[Call], *, use_audio: bool = True) -> Result:
    """Group calls into clusters of one recording or script; see the module docstring."""
    members: dict[str, Membership] = {}
    uniq_index: dict[str, int] = {}
    uniq_tokens: list[list[str]] = []
    call_uniq: dict[str, int] = {}
    callbacks: dict[str, list[str]] = {}
    for call in calls:
        norm = normalise(call.transcript)
        callbacks[call.id] = norm.callback_numbers
        if norm.skipped:
            members[call.id] = Membership(cluster=None, skipped=norm.skipped)
            continue
        u = uniq_index.get(norm.text)
        if u is None:
            u = uniq_index[norm.text] = len(uniq_tokens)
            uniq_tokens.append(norm.tokens)
        call_uniq[call.id] = u
    vocab: dict[str, int] = {}
    shingles, offsets = _shingle_ids(uniq_tokens, vocab)
    sh = _Shingles(shingles, offsets) if uniq_tokens else None
    sig = minhash(shingles, offsets) if uniq_tokens else np.zeros((0, NUM_PERM), dtype=np.uint32)
    text_labels = _text_clusters(sh, sig) if sh is not None else np.zeros(0, dtype=np.int64)
    short = {i for i, toks in enumerate(uniq_tokens) if len(toks) < MIN_WORDS}

    # Union-find over text clusters, with the reason each union was made.
    n_text = int(text_labels.max()) + 1 if len(text_labels) else 0
    uf = _UnionFind(n_text)
    joined_by: dict[str, set[str]] = defaultdict(set)

    # Shared call-back numbers (from the transcripts) and caller IDs (calling numbers).
    by_number: dict[str, list[str]] = defaultdict(list)
    for call in calls:
        if call.id not in call_uniq:
            continue
        for num in callbacks[call.id]:
            by_number["cb:" + num].append(call.id)
        cid = e164_digits(call.calling_number)
        if cid:
            by_number["id:" + cid].append(call.id)
    for group in by_number.values():
        if len(group) < 2:
            continue
        anchor_by_cluster: dict[int, str] = {}
        for cid in group:
            anchor_by_cluster.setdefault(int(text_labels[call_uniq[cid]]), cid)
        anchors = list(anchor_by_cluster.values())
        for other in anchors[1:]:
            a, b = call_uniq[anchors[0]], call_uniq[other]
            if a in short or b in short:
                continue
            agree = sh is not None and sh.pair(a, b) >= NUMBER_TEXT_THRESHOLD
            if agree and uf.union(int(text_labels[a]), int(text_labels[b])):
                joined_by[other].add("number")
                joined_by[anchors[0]].add("number")

    # Audio: calls whose recordings are the same recording.
    audio_skipped: dict[str, str] = {}
    if use_audio:
        fps: dict[str, np.ndarray] = {}
        for call in calls:
            if not call.recording or call.id not in call_uniq:
                continue
            try:
                fps[call.id] = fingerprint(call.recording)
            except (AudioError, OSError) as exc:
                audio_skipped[call.id] = str(exc)
        for a_id, b_id in _audio_candidates(fps):
            if audio_agreement(fps[a_id], fps[b_id]) >= AUDIO_THRESHOLD:
                ca, cb = int(text_labels[call_uniq[a_id]]), int(text_labels[call_uniq[b_id]])
                uf.union(ca, cb)
                if ca != cb:
                    joined_by[a_id].add("audio")
                    joined_by[b_id].add("audio")

    # Final labels: numbered by size (largest first), then by first appearance.
    final_of_text = {t: uf.find(t) for t in range(n_text)}
    sizes: dict[int, int] = defaultdict(int)
    first: dict[int, int] = {}
    for pos, call in enumerate(calls):
        if call.id in call_uniq:
            root = final_of_text[int(text_labels[call_uniq[call.id]])]
            sizes[root] += 1
            first.setdefault(root, pos)
    ranking = {root: rank for rank, root in enumerate(sorted(sizes, key=lambda r: (-sizes[r], first[r])))}

    # Representative: the unique text with the most calls (ties: the longest), within each final cluster.
    uniq_calls: dict[int, int] = defaultdict(int)
    for u in call_uniq.values():
        uniq_calls[u] += 1
    rep_uniq: dict[int, int] = {}
    for u, count in uniq_calls.items():
        label = ranking[final_of_text[int(text_labels[u])]]
        best = rep_uniq.get(label)
        if best is None or (count, len(uniq_tokens[u])) > (uniq_calls[best], len(uniq_tokens[best])):
            rep_uniq[label] = u
    text_cluster_size: dict[int, int] = defaultdict(int)
    for u in range(len(uniq_tokens)):
        text_cluster_size[int(text_labels[u])] += 1
    representatives: dict[int, str] = {}
    for call in calls:
        if call.id not in call_uniq:
            continue
        u = call_uniq[call.id]
        label = ranking[final_of_text[int(text_labels[u])]]
        representatives.setdefault(label, "")
        if u == rep_uniq[label] and not representatives[label]:
            representatives[label] = call.id
    rep_sim = np.zeros(0)
    if sh is not None:
        uniq_rep = np.array(
            [rep_uniq[ranking[final_of_text[int(text_labels[u])]]] for u in range(len(uniq_tokens))]
        )
        rep_sim = rowwise_similarity(sh.matrix, np.arange(len(uniq_tokens)), uniq_rep)
    for call in calls:
        if call.id not in call_uniq:
            continue
        u = call_uniq[call.id]
        label = ranking[final_of_text[int(text_labels[u])]]
        reasons = set(joined_by.get(call.id, set()))
        if uniq_calls[u] > 1:
            reasons.add("identical")
        if text_cluster_size[int(text_labels[u])] > 1:
            reasons.add("text")
        sim = float(rep_sim[u]) if len(rep_sim) else 1.0
        members[call.id] = Membership(
            cluster=label, reasons=reasons, similarity=round(sim, 3), callback_numbers=callbacks[call.id]
        )
    return Result(members=members, representatives=representatives, audio_skipped=audio_skipped)


def shared_phrases(texts: Sequence[str], *, min_share: float = 0.6, limit: int = 8) -> list[str]:
    """Word runs (of at least 3 words) that most members' normalised texts contain, longest first: what a
    lawyer reads as "the script". Adjacent shared shingles are joined back into phrases."""
    norms = [normalise(t) for t in texts]
    norms = [n for n in norms if not n.skipped]
    if not norms:
        return []
    counts: dict[tuple[str, ...], int] = defaultdict(int)
    for n in norms:
        for sh in {tuple(n.tokens[i : i + SHINGLE]) for i in range(len(n.tokens) - SHINGLE + 1)}:
            counts[sh] += 1
    need = max(1, int(np.ceil(min_share * len(norms))))
    common = {sh for sh, c in counts.items() if c >= need}
    # Walk the representative (longest) text and join consecutive common shingles into phrases.
    base = max(norms, key=lambda n: len(n.tokens)).tokens
    phrases: list[str] = []
    run: list[str] = []
    for i in range(len(base) - SHINGLE + 1):
        if tuple(base[i : i + SHINGLE]) in common:
            run = base[i : i + SHINGLE] if not run else run + [base[i + SHINGLE - 1]]
        else:
            if run:
                phrases.append(" ".join(run))
            run = []
    if run:
        phrases.append(" ".join(run))
    phrases = list(dict.fromkeys(phrases))
    phrases.sort(key=lambda p: -len(p.split()))
    return phrases[:limit]


def pair_similarities(texts: Sequence[str]) -> np.ndarray:
    """Every pairwise similarity among the distinct usable texts (for choosing thresholds; small sets only)."""
    uniq = list(dict.fromkeys(n.text for n in map(normalise, texts) if not n.skipped))
    tokens = [t.split() for t in uniq]
    shingles, offsets = _shingle_ids(tokens, {})
    sim = _Shingles(shingles, offsets).sim(np.arange(len(uniq)))
    return sim[np.triu_indices(len(uniq), 1)]


@dataclasses.dataclass
class Assignment:
    label: object
    similarity: float
    reason: str  # "text", "identical" or "number"
    callback_numbers: list[str] = dataclasses.field(default_factory=list)  # heard in the new call's text


def assign(
    calls: Sequence[Call], anchors: dict[object, list[str]], numbers: dict[str, object] | None = None
) -> dict[str, Assignment]:
    """Incremental assignment: each new call joins the known campaign (`anchors`: label -> member texts)
    whose nearest anchor text reaches `TEXT_THRESHOLD`, or, failing that, the campaign that uses one of its
    call-back numbers or its caller ID (`numbers`: 10 digits -> label) when the text still agrees at
    `NUMBER_TEXT_THRESHOLD`. Calls that match nothing are left for the next full run.

    Exact, and set-based: one sparse product of the new texts' shingle rows with the anchors' gives every
    (new, anchor) pair that shares a shingle and its overlap, chunk by chunk; pairs sharing nothing have
    similarity 0 and cannot reach any threshold. No LSH is needed here (the anchors are few: at most
    `ANCHORS` per confirmed campaign), so no pair at the threshold is missed by chance."""
    numbers = numbers or {}
    anchor_texts: list[list[str]] = []
    anchor_label: list[object] = []
    for label, texts in anchors.items():
        for text in texts:
            norm = normalise(text)
            if not norm.skipped:
                anchor_texts.append(norm.tokens)
                anchor_label.append(label)
    new: list[tuple[Call, Normalised]] = []
    for call in calls:
        norm = normalise(call.transcript)
        if not norm.skipped:
            new.append((call, norm))
    if not new or not anchor_texts:
        return {}
    a_n = len(anchor_texts)
    shingles, offsets = _shingle_ids(anchor_texts + [n.tokens for _, n in new], {})
    matrix = _Shingles(shingles, offsets).matrix
    sizes = np.diff(matrix.indptr).astype(np.float32)  # binary rows: a row's entries are its shingles
    anchors_t = matrix[:a_n].T.tocsr()
    labels = list(dict.fromkeys(anchor_label))
    label_no = {label: k for k, label in enumerate(labels)}
    anchor_no = np.array([label_no[label] for label in anchor_label], dtype=np.int64)
    out: dict[str, Assignment] = {}
    for lo in range(0, len(new), ASSIGN_CHUNK):
        hi = min(len(new), lo + ASSIGN_CHUNK)
        sims = _sims_to_anchors(
            matrix[a_n + lo : a_n + hi], anchors_t, sizes[a_n + lo : a_n + hi], sizes[:a_n]
        )
        best = np.asarray(sims.max(axis=1).todense()).ravel()
        best_at = np.asarray(sims.argmax(axis=1)).ravel()
        for k in range(hi - lo):
            call, norm = new[lo + k]
            if best[k] >= TEXT_THRESHOLD:
                value = float(best[k])
                reason = "identical" if value >= 0.999 else "text"
                out[call.id] = Assignment(
                    anchor_label[int(best_at[k])], round(value, 3), reason, norm.callback_numbers
                )
                continue
            keys = [
                key for key in [*norm.callback_numbers, e164_digits(call.calling_number)] if key in numbers
            ]
            if not keys:
                continue
            start, end = sims.indptr[k], sims.indptr[k + 1]
            cols, vals = sims.indices[start:end], sims.data[start:end]
            for key in keys:
                label = numbers[key]
                mask = anchor_no[cols] == label_no.get(label, -1)
                if mask.any() and float(vals[mask].max()) >= NUMBER_TEXT_THRESHOLD:
                    value = round(float(vals[mask].max()), 3)
                    out[call.id] = Assignment(label, value, "number", norm.callback_numbers)
                    break
    return out


# Rows of new texts compared with the anchors at once: the sparse product of 2,000 rows with a few thousand
# anchors stays a few MB.
ASSIGN_CHUNK = 2_000


def _sims_to_anchors(rows, anchors_t, row_sizes, anchor_sizes) -> sparse.csr_matrix:
    """Similarity (the measure of `similarity_matrix`) of each row with each anchor sharing a shingle."""
    inter = (rows @ anchors_t).tocoo()
    r, c, v = inter.row, inter.col, inter.data.astype(np.float32)
    sr, sc = row_sizes[r], anchor_sizes[c]
    small, large = np.minimum(sr, sc), np.maximum(sr, sc)
    sim = np.where(small / large >= MIN_SIZE_RATIO, v / small, v / (sr + sc - v))
    return sparse.csr_matrix((sim, (r, c)), shape=inter.shape)
