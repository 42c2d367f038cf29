"""Demo: one Texas demand answered, signed and delivered, through the real services (idempotent)."""

from __future__ import annotations

from itg.accounts.models import User
from subpoenas.models import LegalDemand
from subpoenas.responses import evidence, services
from subpoenas.responses.models import EvidenceLink, RequestAnswer, Response
from tracebacks.models import Traceback

DEMO_CAPTION = "In re Medicare-brace robocalls into Houston (CID 2026-118)"
OBJECTION = (
    "The ITG objects to request 2 to the extent it seeks records the ITG does not hold. Without waiving the "
    "objection, the upstream provider of each call is named in the hop chain of each exhibit produced."
)


def seed_responses() -> Response | None:
    """Answer the demo demand's requests, produce records, sign and deliver version 1 (about 2 s)."""
    demand = LegalDemand.objects.filter(caption=DEMO_CAPTION).first()
    if demand is None or Response.objects.filter(demand=demand, status=Response.Status.DELIVERED).exists():
        return None
    ivy = User.objects.get(email="ivy@itg.example")
    if demand.status == LegalDemand.Status.IN_PROGRESS:
        _answer(demand, ivy)
        response = services.response_prepare(demand=demand, by=ivy)
    else:
        response = Response.objects.filter(demand=demand).order_by("-version").first()
        if response is None:
            return None
    services.response_render_and_sign(response_id=response.pk)  # a no-op if the eager task already signed it
    response.refresh_from_db()
    if response.status == Response.Status.SIGNED:
        services.response_deliver(response=response, by=ivy)
    return response


def _answer(demand: LegalDemand, ivy: User) -> None:
    first, *others = demand.requests.order_by("number")
    evidence.evidence_propose(request=first, by=ivy)
    # The demo's synthetic tracebacks rarely carry the subpoena's numbers: add a few finished ones by hand,
    # as staff do when a scope misses records they know to be responsive.
    finished = Traceback.objects.filter(status=Traceback.Status.COMPLETED).order_by("-call_at")[:6]
    have = set(EvidenceLink.objects.filter(request=first).values_list("traceback_id", flat=True))
    for traceback in finished:
        if traceback.pk not in have:
            evidence.evidence_add(request=first, traceback_id=traceback.pk, by=ivy)
    evidence.request_answer_set(request=first, kind=RequestAnswer.Kind.PRODUCED, by=ivy)
    for request in others:
        evidence.request_answer_set(
            request=request, kind=RequestAnswer.Kind.OBJECTION, objection=OBJECTION, by=ivy
        )
