"""The states of a traceback and a hop, and which moves are allowed: read by the services, the one writer."""

from __future__ import annotations

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
