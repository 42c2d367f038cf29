"""The states of a traceback and a hop, and which moves are allowed: read by the services. A hop's answer
(its state) is written only by `hop_move` below, a compare-and-set like the demand's `subpoenas/workflow.py`;
a traceback's status only by `tracebacks.services.tracebacks.traceback_end`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from tracebacks.models import Hop, Traceback

S = Traceback.Status
A = Hop.Answer

# A traceback can still take answers while open, or after a non-response (a late answer is accepted and the
# chain goes on, 47 CFR 64.1200(n)(1) sets the window but the evidence is still wanted).
ANSWERABLE_TRACEBACK = {S.OPEN, S.NON_RESPONSIVE}
# A hop takes an answer while pending, or after the sweep marked it no response (then it is marked late).
ANSWERABLE_HOP = {A.PENDING, A.NO_RESPONSE}
# What a provider may answer; "no response" is only ever set by the overdue sweep.
PROVIDER_ANSWERS = (A.UPSTREAM, A.CUSTOMER, A.NO_RECORD, A.REFUSED)
# Which traceback status each final answer leads to (an upstream named opens the next hop instead,
# unless it is foreign: then the traceback ends as foreign origin).
ENDS_WITH = {A.CUSTOMER: S.COMPLETED, A.NO_RECORD: S.DEAD_END, A.REFUSED: S.NON_RESPONSIVE}
# ITG staff may close a traceback that is not already closed or complete.
CLOSABLE = {S.OPEN, S.NON_RESPONSIVE, S.DEAD_END, S.FOREIGN}

PROVIDER = "provider"  # the provider asked, through its API token or the e-mailed one-time link
CLOCK = "clock"  # the overdue sweep, once the 24-hour window has passed
ITG = "itg"  # ITG staff


@dataclass(frozen=True)
class HopStep:
    sources: frozenset[str]
    targets: frozenset[str]
    who: str


HOP_STEPS: dict[str, HopStep] = {
    "answer": HopStep(frozenset(ANSWERABLE_HOP), frozenset(PROVIDER_ANSWERS), PROVIDER),
    "no_response": HopStep(frozenset({A.PENDING}), frozenset({A.NO_RESPONSE}), CLOCK),
    # Asked of another provider: the hop is pending again and its clock restarts.
    "reassign": HopStep(frozenset(ANSWERABLE_HOP), frozenset({A.PENDING}), ITG),
}


def hop_move(hop: Hop, step: str, to: str, *, when: Q | None = None, **fields) -> bool:
    """Take `step` to the answer `to` with one `UPDATE … WHERE id = %s AND answer IN (sources) [AND when]`,
    writing `fields` too; True when this call won (then `hop` holds the new values). The only writer of
    `Hop.answer` (tests/test_one_way.py holds the tree to it)."""
    transition = HOP_STEPS[step]
    if to not in transition.targets:
        raise ValueError(f"A hop's {step} step cannot lead to {to!r}.")
    rows = Hop.objects.filter(pk=hop.pk, answer__in=transition.sources)
    if when is not None:
        rows = rows.filter(when)
    won = bool(rows.update(answer=to, **fields))
    if won:
        for name, value in {"answer": to, **fields}.items():
            setattr(hop, name, value)
    return won
