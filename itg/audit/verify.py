"""Checking a hash chain: the one implementation behind `manage.py audit_verify` and exported files.

Run on its own, it verifies an exported JSON Lines file with no Django settings and no database:

    python -m itg.audit.verify EXPORT.jsonl [--checkpoint CHECKPOINT.json --public-key KEY]

What a verified export proves: every line's fields are exactly those whose SHA-256 the portal chained
when the event happened (a one-character change to any field, its hash or its previous hash fails), and
wherever two lines have consecutive sequence numbers the second links to the first, so within each run no
event was removed, added or reordered. A filtered export has gaps between runs; an unfiltered export is
the whole chain from event 1 and proves it entire up to its last line. With a signed checkpoint and the
portal's public key it also proves the chain up to the checkpoint is the one the portal signed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from itg.audit.chain import CHANGES, GENESIS_HASH, HASH, PREV_HASH, ROW_FIELDS, SEQ, encode_changes, row_hash


@dataclass(frozen=True)
class Problem:
    seq: int | None
    kind: str  # edited, missing, inserted, truncated, rewritten, checkpoint, unreadable
    detail: str

    def __str__(self) -> str:
        where = f" at seq {self.seq}" if self.seq is not None else ""
        return f"FAIL{where}: {self.kind}: {self.detail}"


@dataclass
class Report:
    count: int = 0
    links: int = 0
    gaps: int = 0
    first_seq: int | None = None
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    watched_hash: str | None = None
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _diagnose(row: Sequence, hash_ok: bool, prev: Sequence | None, prev2_hash: str | None, it) -> Problem:
    """Name the first bad event. Called once, at the first row whose hash or link fails."""
    seq = row[SEQ]
    if not hash_ok and prev is not None:
        following = next(it, None)
        if following is not None and following[PREV_HASH] == prev[HASH]:
            return Problem(seq, "inserted", "the next event links past this one: it was added afterwards")
    if prev is not None and prev2_hash is not None and row[PREV_HASH] == prev2_hash:
        return Problem(prev[SEQ], "inserted", f"event {seq} links past this one: it was added afterwards")
    if not hash_ok:
        return Problem(seq, "edited", "its fields do not match its hash: the event was changed")
    if prev is None:
        return Problem(seq, "edited", "the first event does not start from the genesis hash")
    return Problem(
        prev[SEQ],
        "edited",
        f"event {seq} does not link to this event's hash: it was changed and its hash recomputed",
    )


def check_chain(
    rows: Iterable[Sequence],
    *,
    contiguous: bool = True,
    watch_seq: int | None = None,
    changes_as_text: bool = False,
    start: Sequence | None = None,
) -> Report:
    """Walk rows (ROW_FIELDS tuples) in sequence order, stopping at the first bad event.

    `contiguous`: the whole chain from event 1 (the database); otherwise a possibly filtered export,
    where links are checked only between consecutive sequence numbers. `watch_seq`: remember that
    event's stored hash, to compare with a checkpoint. `changes_as_text`: the rows carry `changes` as
    JSON text, as PostgreSQL prints it (the fast database reader). `start`: the event just before the
    rows, when walking one range of the chain (checked by the walk of the range before).
    """
    report = Report()
    it = iter(rows)
    prev: Sequence | None = start
    if start is not None:
        report.last_seq, report.last_hash = start[SEQ], start[HASH]
    prev2_hash: str | None = None
    for row in it:
        seq = row[SEQ]
        if type(seq) is not int:
            report.problem = Problem(
                None, "unreadable", f"after event {report.last_seq}: seq is not a number"
            )
            return report
        expected = report.last_seq + 1
        if prev is not None or contiguous:
            if seq < expected:
                report.problem = Problem(seq, "inserted", f"out of order after event {report.last_seq}")
                return report
            if seq > expected and contiguous:
                missing = str(expected) if seq == expected + 1 else f"{expected} to {seq - 1}"
                report.problem = Problem(expected, "missing", f"event {missing} is missing from the chain")
                return report
        linked = seq != expected or row[PREV_HASH] == (prev[HASH] if prev is not None else GENESIS_HASH)
        if changes_as_text:
            text = row[CHANGES]  # jsonb prints '{"a": 1}'; the hash is over the compact, sorted form
            hash_ok = row_hash(row, "{}" if text == "{}" else encode_changes(json.loads(text))) == row[HASH]
        else:
            hash_ok = row_hash(row) == row[HASH]
        if not (hash_ok and linked):
            report.problem = _diagnose(row, hash_ok, prev if seq == expected else None, prev2_hash, it)
            return report
        if prev is not None and seq == expected:
            report.links += 1
        elif prev is not None:
            report.gaps += 1
        if report.first_seq is None:
            report.first_seq = seq
        if seq == watch_seq:
            report.watched_hash = row[HASH]
        prev2_hash = prev[HASH] if prev is not None and seq == expected else None
        prev = row
        report.count += 1
        report.last_seq, report.last_hash = seq, row[HASH]
    return report


def check_checkpoint(report: Report, checkpoint: dict, signature_valid: bool) -> Problem | None:
    """After a clean walk: the checkpoint must be genuine and the chain must still hold what it signed."""
    seq, at = checkpoint.get("seq"), checkpoint.get("at", "?")
    if not signature_valid:
        return Problem(seq, "checkpoint", "the checkpoint's signature is not valid for the portal's key")
    if report.last_seq < seq:
        return Problem(
            report.last_seq + 1,
            "truncated",
            f"the chain ends at event {report.last_seq} but the checkpoint signed at {at} covers {seq} events",
        )
    if seq and report.watched_hash != checkpoint.get("hash"):
        return Problem(seq, "rewritten", f"its hash differs from the checkpoint signed at {at}")
    return None


# --- Exported files ----------------------------------------------------------------------------------


class _Unreadable(Exception):
    pass


def _rows_from_lines(lines: Iterable[str]) -> Iterator[tuple]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
            row = tuple(doc[name] for name in ROW_FIELDS)
        except ValueError:
            raise _Unreadable(f"line {number} is not valid JSON") from None
        except KeyError as error:
            raise _Unreadable(f"line {number} has no {error.args[0]!r} field: not an audit export") from None
        except TypeError:
            raise _Unreadable(f"line {number} is not a JSON object: not an audit export") from None
        yield row


def verify_export(lines: Iterable[str], checkpoint: dict | None = None, public_key=None) -> Report:
    watch = checkpoint.get("seq") if checkpoint else None
    try:
        report = check_chain(_rows_from_lines(lines), contiguous=False, watch_seq=watch)
    except _Unreadable as error:
        return Report(problem=Problem(None, "unreadable", str(error)))
    if report.ok and checkpoint is not None:
        from itg.audit.signing import checkpoint_signature_valid

        if report.first_seq != 1 or report.gaps:
            report.problem = Problem(
                None, "checkpoint", "only an unfiltered export can be checked against one"
            )
        else:
            report.problem = check_checkpoint(
                report, checkpoint, checkpoint_signature_valid(checkpoint, public_key)
            )
    return report


def summary(report: Report) -> str:
    if not report.ok:
        return str(report.problem)
    text = f"OK {report.count} events ({report.links} links checked"
    return text + (f", {report.gaps} gaps: a filtered export)" if report.gaps else ")")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m itg.audit.verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="an audit export in JSON Lines (.jsonl)")
    parser.add_argument("--checkpoint", help="a signed checkpoint (.json) to hold an unfiltered export to")
    parser.add_argument("--public-key", help="the portal's checkpoint public key (PEM or base64)")
    args = parser.parse_args(argv)
    if bool(args.checkpoint) != bool(args.public_key):
        parser.error("--checkpoint and --public-key go together: a checkpoint is only as good as its key")
    checkpoint = key = None
    try:
        if args.checkpoint:
            from itg.audit.signing import load_public_key

            with open(args.checkpoint, encoding="utf-8") as handle:
                checkpoint = json.load(handle)
            key = load_public_key(args.public_key)
        with open(args.file, encoding="utf-8") as handle:
            report = verify_export(handle, checkpoint, key)
    except OSError as error:
        parser.error(f"cannot read {error.filename}: {error.strerror}")
    except ValueError as error:  # a checkpoint that is not JSON, a key that is not an Ed25519 key
        parser.error(f"the checkpoint or the public key is not usable: {error}")
    print(summary(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
