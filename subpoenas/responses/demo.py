"""Demo: one Texas demand answered, signed and delivered, through the real services (idempotent).

Its third request asks for the traceback history of the providers the demo's notice letters went to
(seeded before it), so the delivered response shows a findings exhibit with the letters those providers
were sent (one acknowledged, two not), embedded in the PDF and downloadable from the response page.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from itg.accounts.models import User
from itg.pdf import render_pdf
from itg.uploads import as_upload, check_upload
from subpoenas.intake import DemandInput, RequestInput, demand_receive_uploads
from subpoenas.models import LegalDemand
from subpoenas.responses import evidence, services
from subpoenas.responses.models import EvidenceLink, EvidenceQuery, RequestAnswer, Response
from subpoenas.services import demand_transition
from tracebacks.ecosystem.models import LetterTemplate, NoticeLetter
from tracebacks.models import Traceback

DEMO_CAPTION = "State of Texas v. Medicare Robocall Operators (CID 2026-140)"
DEMO_REQUESTS = [
    ("All traceback records of calls from (713) 555-0177 in January 2026.", ["713-555-0177"]),
    ("The identity of the upstream provider of each such call.", []),
]
HISTORY_DAYS = 7  # the history request's period, ending the day before the demo's today: a short production
HISTORY = (
    "The traceback history of {names} from {start:%B %-d, %Y} to {end:%B %-d, %Y}: every traceback request the "
    "ITG sent each of them, how and when it answered, and any notice the ITG gave it."
)
OBJECTION = (
    "The ITG objects to request 2 to the extent it seeks records the ITG does not hold. Without waiving the "
    "objection, the upstream provider of each call is named in the hop chain of each exhibit produced."
)


TOO_BROAD = (
    "The ITG objects to this request as overly broad: the providers' traceback history for the period covers "
    "more tracebacks than can be produced as exhibits. The ITG will produce it for a narrower period agreed "
    "with the issuing office."
)


def seed_responses(reference: datetime | None = None) -> Response | None:
    """Answer the demo demand's requests, produce records, sign and deliver version 1 (about 4 s).
    `reference` is the demo world's today (the history request's period ends the day before it)."""
    ivy = User.objects.get(email="ivy@itg.example")
    demand = LegalDemand.objects.filter(caption=DEMO_CAPTION).first() or _receive(
        ivy, reference or timezone.now()
    )
    if Response.objects.filter(demand=demand, status=Response.Status.DELIVERED).exists():
        return None
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


def _requests(reference: datetime) -> list[RequestInput]:
    """The CID's requests: calls from one number, their upstream providers, and (when the demo sent notice
    letters) the traceback history of the providers they went to, named by their RMD numbers."""
    requests = [RequestInput(n, text, phones) for n, (text, phones) in enumerate(DEMO_REQUESTS, 1)]
    sent = NoticeLetter.objects.filter(kind=LetterTemplate.Kind.NOTICE)
    providers = list(
        dict.fromkeys(
            sent.order_by("sent_at", "pk").values_list("provider__business_name", "provider__rmd_number")
        )
    )
    if providers:
        end = reference.date() - timedelta(days=1)
        start: date = _history_start(sent.values_list("provider_id", flat=True), end)
        names = " and ".join(f"{name} ({rmd})" if rmd else name for name, rmd in providers)
        requests.append(RequestInput(len(requests) + 1, HISTORY.format(names=names, start=start, end=end),
                                     date_from=start, date_to=end, providers=[rmd or name for name, rmd in providers]))  # fmt: skip
    return requests


def _history_start(provider_ids, end: date) -> date:
    """The history request's first day: HISTORY_DAYS before `end`, or fewer when the providers' tracebacks
    in that period are more than a response produces as exhibits (a bigger demo world, `--scale`), as an
    office narrows a request it is told is too broad."""
    for days in (HISTORY_DAYS, 3, 1):
        start = end - timedelta(days=days - 1)
        crossing = Traceback.objects.filter(
            hops__provider_id__in=list(provider_ids), call_at__date__gte=start, call_at__date__lte=end
        )
        if crossing.values("pk").distinct().count() <= evidence.MAX_PROPOSED // 2:
            break
    return start


def _receive(ivy: User, reference: datetime) -> LegalDemand:
    """A Texas CID received through intake and put to work, as the ITG would."""
    ag = (
        User.objects.filter(office__state="TX", role__in=["ag_staff", "ag_supervisor"]).order_by("pk").first()
    )
    served = timezone.now().date() - timedelta(days=20)
    data = DemandInput(
        kind="cid", caption=DEMO_CAPTION, issuing_authority="Consumer Protection Division",
        date_issued=served - timedelta(days=3), date_served=served, contact_name=ag.full_name, contact_email=ag.email,
        case_id=None, new_case_title=DEMO_CAPTION, statute="Tex. Bus. & Com. Code § 17.61", response_days=30,
        response_day_kind="business", confirm_duplicate=True,
        requests=_requests(reference),
    )  # fmt: skip
    body = "".join(f"<p>REQUEST NO. {r.number}: {r.text}</p>" for r in data.requests)
    pdf = render_pdf(f"<h1>CIVIL INVESTIGATIVE DEMAND</h1><p>{DEMO_CAPTION}</p>{body}")
    main = check_upload(as_upload(pdf, "cid-2026-140.pdf"), allowed={"application/pdf"})
    demand = demand_receive_uploads(by=ag, data=data, main=main, attachments=[])
    for action in ("start_review", "start_work"):
        demand = demand_transition(demand=demand, action=action, by=ivy)
    return demand


def _answer(demand: LegalDemand, ivy: User) -> None:
    first, *others = demand.requests.order_by("number")
    if len(others) > 1:  # the providers' traceback history, from the findings
        history = others.pop()
        try:
            evidence.evidence_propose(request=history, by=ivy, kind=EvidenceQuery.Kind.PROVIDER_HISTORY)
        except (
            ValidationError
        ):  # too broad even for one day (a very large demo world): objected to, as staff would
            evidence.request_answer_set(request=history, by=ivy, kind=RequestAnswer.Kind.OBJECTION,
                                        objection=TOO_BROAD)  # fmt: skip
        else:
            found = history.evidence.exists()
            evidence.request_answer_set(request=history, by=ivy,
                                        kind=RequestAnswer.Kind.PRODUCED if found else RequestAnswer.Kind.NONE)  # fmt: skip
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
