"""The demand workflow: which action moves a demand from which states to which, and who may fire it.

received → in review → in progress → response ready → response signed → delivered → closed, with
detours: awaiting the requester (a clarification asked; the deadline clock stops), disputed (a petition
to compel is filed) and withdrawn. The ITG does the work; the requester (the issuing AG office only, never an
office the case is shared with: `cases.access.acts_for_office`) answers clarifications, withdraws, or
reports a petition to compel.
The response steps (ready, signed, delivered) are fired by the responses feature when it lands.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.access import acts_for_office
from subpoenas.models import LegalDemand

S = LegalDemand.Status
ITG = "itg"
REQUESTER = "requester"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    who: frozenset[str]
    label: str
    note_required: bool = False
    pauses: bool = False
    resumes: bool = False


def _t(sources, target, who, label, **kw) -> Transition:
    who = frozenset(who if isinstance(who, tuple) else (who,))
    return Transition(frozenset(sources), target, who, label, **kw)


WORKING = (S.RECEIVED, S.IN_REVIEW, S.IN_PROGRESS, S.AWAITING_REQUESTER)
TRANSITIONS: dict[str, Transition] = {
    "start_review": _t({S.RECEIVED}, S.IN_REVIEW, ITG, "Start review"),
    "start_work": _t({S.IN_REVIEW}, S.IN_PROGRESS, ITG, "Start work"),
    "ask_clarification": _t(
        {S.IN_REVIEW, S.IN_PROGRESS},
        S.AWAITING_REQUESTER,
        ITG,
        "Ask for a clarification",
        note_required=True,
        pauses=True,
    ),
    "answer_clarification": _t(
        {S.AWAITING_REQUESTER},
        S.IN_PROGRESS,
        REQUESTER,
        "Answer the clarification",
        note_required=True,
        resumes=True,
    ),
    "mark_response_ready": _t({S.IN_PROGRESS}, S.RESPONSE_READY, ITG, "Mark the response ready"),
    "sign_response": _t({S.RESPONSE_READY}, S.RESPONSE_SIGNED, ITG, "Sign the response"),
    "deliver": _t({S.RESPONSE_SIGNED}, S.DELIVERED, ITG, "Deliver the response"),
    "close": _t({S.DELIVERED, S.WITHDRAWN}, S.CLOSED, ITG, "Close"),
    "withdraw": _t(
        set(WORKING) | {S.DISPUTED},
        S.WITHDRAWN,
        REQUESTER,
        "Withdraw the demand",
        note_required=True,
        resumes=True,
    ),
    "dispute": _t(
        {S.IN_REVIEW, S.IN_PROGRESS, S.AWAITING_REQUESTER},
        S.DISPUTED,
        (ITG, REQUESTER),
        "Record a petition to compel",
        note_required=True,
        resumes=True,
    ),
    "resolve_dispute": _t({S.DISPUTED}, S.IN_PROGRESS, ITG, "Resolve the dispute", note_required=True),
}
# Fired by the responses feature, never offered as a button on the demand page.
RESPONSE_ACTIONS = frozenset({"mark_response_ready", "sign_response", "deliver"})


def parties(user, demand: LegalDemand) -> set[str]:
    """Which sides of this demand the user acts for: the ITG, or the office that issued it (and only it).

    Visibility of the demand itself is checked by the selectors; an office the case is shared with sees
    the demand and acts for no side."""
    if user.is_itg_staff:
        return {ITG}
    if acts_for_office(user, demand.issuing_office_id):
        return {REQUESTER}
    return set()


def is_requester(user, demand: LegalDemand) -> bool:
    return REQUESTER in parties(user, demand)


def allowed_actions(user, demand: LegalDemand) -> set[str]:
    mine = parties(user, demand)
    return {name for name, t in TRANSITIONS.items() if demand.status in t.sources and t.who & mine}


def page_actions(user, demand: LegalDemand) -> list[tuple[str, Transition]]:
    """The buttons the demand page offers, in table order."""
    allowed = allowed_actions(user, demand) - RESPONSE_ACTIONS
    return [(name, t) for name, t in TRANSITIONS.items() if name in allowed]
