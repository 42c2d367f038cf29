"""Reads of the responses feature, scoped through `cases.access`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from cases.access import can_see_case, object_for
from itg.audit.actions import Action
from subpoenas.models import DemandRequest, LegalDemand
from subpoenas.responses.models import EvidenceLink, EvidenceQuery, IssuedDocument, RequestAnswer, Response
from subpoenas.responses.package import CitedLetter
from subpoenas.selectors import demands_visible_to, matter_of
from tracebacks.ecosystem.evidence import notice_letter_rows
from tracebacks.models import Traceback


@dataclass(frozen=True)
class IssuedDocumentView:
    """What the verification page may say about a matching document to this user.

    Anyone holding the file learns that the ITG issued it, which kind, when, and (if it has them) its Bates
    range: all printed on the document itself. The demand it answers, and a link to it, only for a user
    who may see the demand's case: a confidential demand's existence is not disclosed by an upload.
    """

    document: IssuedDocument
    demand: object | None

    @property
    def demand_url(self) -> str:
        return self.demand.get_absolute_url() if self.demand is not None else ""


def issued_document_view_for(user, document: IssuedDocument | None) -> IssuedDocumentView | None:
    if document is None:
        return None
    demand = document.demand
    if demand is not None and (user is None or not can_see_case(user, demand.case)):
        demand = None
    return IssuedDocumentView(document, demand)


def request_for(user, pk) -> DemandRequest:
    """A request of a demand the user may see; 404 (recorded) otherwise."""
    visible = DemandRequest.objects.filter(demand__in=demands_visible_to(user)).select_related("demand")
    return object_for(user, visible, pk, denied=Action.DEMAND_VIEW_DENIED, noun="request",
                      matter_of=matter_of(DemandRequest, "demand__"))  # fmt: skip


def link_for(user, pk) -> EvidenceLink:
    """An evidence link of a demand the user may see; 404 (recorded) otherwise."""
    visible = EvidenceLink.objects.filter(request__demand__in=demands_visible_to(user))
    return object_for(user, visible.select_related("request__demand"), pk, denied=Action.DEMAND_VIEW_DENIED,
                      noun="evidence link", matter_of=matter_of(EvidenceLink, "request__demand__"))  # fmt: skip


def response_for(user, pk, *, action: str = Action.RESPONSE_VIEW_DENIED) -> Response:
    """A response version the user may see: ITG staff any; AG users only delivered versions of demands
    they may see. Everything else is 404, and the attempt recorded under `action`."""
    visible = Response.objects.filter(demand__in=demands_visible_to(user))
    if not user.is_itg_staff:
        visible = visible.filter(status=Response.Status.DELIVERED)
    return object_for(user, visible.select_related("demand", "document"), pk, denied=action, noun="response",
                      matter_of=matter_of(Response, "demand__"))  # fmt: skip


def letters_cited_by(response: Response) -> set[str]:
    """The references of the notice letters a version's findings exhibits list (frozen in its snapshot)."""
    return {
        x["reference"]
        for r in response.snapshot.get("requests", [])
        for x in (r.get("findings") or {}).get("letters", [])
    }


def versions_visible_to(user, demand: LegalDemand) -> list[Response]:
    """The versions of a demand's response this user may see, newest first (one query)."""
    versions = Response.objects.filter(demand=demand).select_related("document", "created_by", "delivered_by")
    if not user.is_itg_staff:
        versions = versions.filter(status=Response.Status.DELIVERED)
    return list(versions.order_by("-version"))


def produced_tracebacks(snapshot: dict) -> list[Traceback]:
    """The tracebacks a delivered version produced, for the AG's page (one query)."""
    ids = sorted({pk for r in snapshot["requests"] for pk in r["tracebacks"]})
    return list(Traceback.objects.filter(pk__in=ids).select_related("campaign").order_by("call_at", "pk"))


@dataclass(frozen=True)
class RequestWork:
    """One request as ITG staff review it: its answer, its links, the last proposal query."""

    request: DemandRequest
    answer: RequestAnswer | None
    links: list[EvidenceLink]
    last_query: EvidenceQuery | None

    @property
    def suggested(self) -> str:
        """The evidence query the request's words ask for (the page offers it first)."""
        from subpoenas.responses.evidence import suggested_kind

        return suggested_kind(self.request)

    letters: list[CitedLetter] = field(default_factory=list)  # sent so far to the providers of its findings

    @property
    def findings_rows(self) -> list[dict]:
        q = self.last_query
        return q.result_rows if q is not None and q.kind != EvidenceQuery.Kind.SCOPE else []


def request_work(demand: LegalDemand) -> list[RequestWork]:
    """Every request of the demand with its evidence: four queries whatever the number of links
    (requests, answers, links with tracebacks and campaigns, queries), and a fifth, for the notice letters
    sent so far to the providers of the findings, when a request is answered from them."""
    requests = list(demand.requests.order_by("number"))
    answers = {a.request_id: a for a in RequestAnswer.objects.filter(request__demand=demand)}
    links: dict[int, list[EvidenceLink]] = {}
    for link in EvidenceLink.objects.filter(request__demand=demand).select_related("traceback__campaign"):
        links.setdefault(link.request_id, []).append(link)
    queries: dict[int, EvidenceQuery] = {}
    for query in EvidenceQuery.objects.filter(request__demand=demand).order_by("run_at", "pk"):
        queries[query.request_id] = query
    work = [RequestWork(r, answers.get(r.pk), links.get(r.pk, []), queries.get(r.pk)) for r in requests]
    providers = {row["provider_id"] for w in work for row in w.findings_rows}
    if providers:
        sent = notice_letter_rows(providers, timezone.now())
        for w in work:
            mine = {row["provider_id"] for row in w.findings_rows}
            w.letters.extend(CitedLetter.of(x) for x in sent if x["provider_id"] in mine)
    return work


@dataclass(frozen=True)
class RequestEvidence:
    """One request's answer and its tracebacks, as the API shows them."""

    number: int
    text: str
    answer: str
    objection: str
    tracebacks: list[Traceback]


def evidence_visible_to(user, demand: LegalDemand, versions: list[Response]) -> tuple[int | None, list]:
    """The evidence this user may see, with the version it comes from (None: ITG staff's working set).

    ITG staff see the live working set (they choose it). The requesting office sees only what a delivered
    version produced, frozen in its snapshot: nothing before delivery, as on the page. `versions` is what
    `versions_visible_to` gave this user. Queries: ITG staff four (see `request_work`), AG users one.
    """
    if user.is_itg_staff:
        return None, [
            RequestEvidence(
                w.request.number,
                w.request.text,
                w.answer.kind if w.answer else "",
                w.answer.objection if w.answer else "",
                [link.traceback for link in w.links],
            )  # fmt: skip
            for w in request_work(demand)
        ]
    if not versions:
        return None, []
    latest = versions[0]
    by_pk = {tb.pk: tb for tb in produced_tracebacks(latest.snapshot)}
    return latest.version, [
        RequestEvidence(
            r["number"],
            r["text"],
            r["answer"],
            r["objection"],
            [by_pk[pk] for pk in r["tracebacks"] if pk in by_pk],
        )
        for r in latest.snapshot["requests"]
    ]
