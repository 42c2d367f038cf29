"""Build the response package from the database: the frozen snapshot of a version, today's records.

Three queries whatever the size of the production: the tracebacks (with campaign and named providers),
their hops (with provider and upstream), and nothing per row.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from itg.calendar import tz_for
from itg.pdf import DataExhibit
from itg.signing import signer_from_settings
from subpoenas.models import LegalDemand
from subpoenas.responses.models import EvidenceLink, EvidenceQuery, RequestAnswer, Response
from subpoenas.responses.package import (
    CitedLetter,
    FindingsExhibit,
    HopRow,
    Package,
    RequestAnswerRow,
    TracebackExhibit,
    traceback_label,
)
from tracebacks.ecosystem.evidence import notice_letter_rows
from tracebacks.ecosystem.letters.selectors import letters_by_reference
from tracebacks.ecosystem.letters.services import letter_bytes
from tracebacks.models import Hop, Traceback


def snapshot_of(demand: LegalDemand) -> dict:
    """Each request's answer and linked tracebacks, as they stand: frozen into a response version (with,
    beside each findings table, the notice letters its providers had been sent by now)."""
    now = timezone.now()
    answers = {a.request_id: a for a in RequestAnswer.objects.filter(request__demand=demand)}
    links: dict[int, list[int]] = {}
    for request_id, tb_id in EvidenceLink.objects.filter(request__demand=demand).values_list(
        "request_id", "traceback_id"
    ):
        links.setdefault(request_id, []).append(tb_id)
    rows = []
    latest: dict[int, EvidenceQuery] = {}
    for query in EvidenceQuery.objects.filter(request__demand=demand).order_by("run_at", "pk"):
        latest[query.request_id] = query
    for request in demand.requests.order_by("number"):
        answer = answers.get(request.pk)
        rows.append(
            {
                "id": request.pk,
                "number": request.number,
                "text": request.text,
                "answer": answer.kind if answer else "",
                "objection": answer.objection if answer else "",
                "tracebacks": sorted(links.get(request.pk, [])),
                "findings": _findings_of(latest.get(request.pk), now),
            }
        )
    return {"requests": rows}


def _findings_of(query: EvidenceQuery | None, now) -> dict | None:
    """The findings table a request is answered with, frozen as its last query produced it (None when the
    request was answered from its scope), and the notice letters sent to its providers up to `now`."""
    if query is None or query.kind == EvidenceQuery.Kind.SCOPE:
        return None
    letters = notice_letter_rows((r["provider_id"] for r in query.result_rows), now)
    return {
        "kind": query.kind,
        "title": query.get_kind_display(),
        "description": query.description,
        "since": query.criteria["since"],
        "until": query.criteria["until"],
        "run_at": query.run_at.isoformat(),
        "rows": query.result_rows,
        "letters": letters,
        "letters_as_of": now.isoformat(),
    }


def _hop_row(hop: Hop) -> HopRow:
    return HopRow(
        sequence=hop.sequence,
        provider=hop.provider.business_name,
        provider_rmd=hop.provider.rmd_number or "",
        role=hop.role,
        asked_at=hop.asked_at,
        answered_at=hop.answered_at,
        answer=hop.get_answer_display(),
        upstream=hop.upstream.business_name if hop.upstream_id else "",
        upstream_rmd=(hop.upstream.rmd_number or "") if hop.upstream_id else "",
        attestation=hop.attestation,
        origid=str(hop.origid) if hop.origid else "",
    )


def exhibits_for(ids_by_request: dict[int, list[int]]) -> list[TracebackExhibit]:
    """Exhibits numbered in order of first production (request 1's records first), each traceback once."""
    order: list[int] = []
    requests_of: dict[int, list[int]] = {}
    for number, ids in sorted(ids_by_request.items()):
        for pk in ids:
            if pk not in requests_of:
                order.append(pk)
            requests_of.setdefault(pk, []).append(number)
    hops = Hop.objects.select_related("provider", "upstream").order_by("sequence")
    tracebacks = (
        Traceback.objects.filter(pk__in=order)
        .select_related("campaign", "originating_provider", "gateway_provider")
        .prefetch_related(Prefetch("hops", queryset=hops))
    )
    by_pk = {tb.pk: tb for tb in tracebacks}
    return [_exhibit(by_pk[pk], n, requests_of[pk]) for n, pk in enumerate(order, start=1) if pk in by_pk]


def _exhibit(tb: Traceback, number: int, requests: list[int]) -> TracebackExhibit:
    return TracebackExhibit(
        pk=tb.pk,
        campaign=tb.campaign.name,
        call_at=tb.call_at,
        call_tz=tb.call_tz,
        calling_number=tb.calling_number,
        called_number=tb.called_number,
        status=tb.get_status_display(),
        originating_provider=tb.originating_provider.business_name if tb.originating_provider_id else "",
        gateway_provider=tb.gateway_provider.business_name if tb.gateway_provider_id else "",
        hops=tuple(_hop_row(h) for h in tb.hops.all()),
        requests=tuple(requests),
        number=number,
    )


def findings_exhibits(snap: list[dict]) -> list[FindingsExhibit]:
    """The findings tables of the requests answered from the findings, numbered F1, F2, … in request order
    (a version frozen before findings could be evidence has none)."""
    out = []
    for r in snap:
        if f := r.get("findings"):
            out.append(FindingsExhibit(number=len(out) + 1, request=r["number"], kind=f["kind"], title=f["title"],
                                       description=f["description"], since=f["since"], until=f["until"],
                                       rows=tuple(f["rows"]), letters_as_of=f.get("letters_as_of", ""),
                                       letters=tuple(CitedLetter.of(x) for x in f.get("letters", ()))))  # fmt: skip
    return out


def letter_files(package: Package) -> list[DataExhibit]:
    """The signed PDFs of the letters the package cites, byte for byte as sent, to embed beside the data
    files (one query, one read per letter). A stored file whose SHA-256 is not the one registered when the
    letter was sent, and frozen in the snapshot, stops the render: the package must carry what was sent."""
    cited = package.cited_letters
    stored = letters_by_reference([x.reference for x in cited])
    files = []
    for x in cited:
        letter = stored.get(x.reference)
        data = letter_bytes(letter) if letter is not None else b""
        if hashlib.sha256(data).hexdigest() != x.sha256:
            raise ValueError(
                f"The stored file of notice letter {x.reference} is missing or is not the one sent (its SHA-256 "
                "differs from the register's): restore it from the backup before signing this response."
            )
        files.append(
            DataExhibit(x.file_name, data, f"Notice letter {x.reference} to {x.provider_name}, as sent")
        )
    return files


def package_for(response: Response) -> Package:
    """The package of one response version, from its snapshot and the records it names."""
    demand = response.demand
    snap = response.snapshot["requests"]
    exhibits = exhibits_for({r["number"]: r["tracebacks"] for r in snap})
    label = dict(RequestAnswer.Kind.choices)
    findings = findings_exhibits(snap)
    findings_of = {f.request: f.label for f in findings}
    requests = tuple(
        RequestAnswerRow(
            number=r["number"],
            text=r["text"],
            answer=r["answer"],
            answer_label=label.get(r["answer"], "Not answered"),
            objection=r["objection"],
            exhibits=tuple(traceback_label(pk) for pk in r["tracebacks"]),
            findings=findings_of.get(r["number"], ""),
        )
        for r in snap
    )
    return Package(
        tracking_number=demand.tracking_number,
        caption=demand.caption,
        demand_kind=demand.get_kind_display(),
        issuing_office=demand.issuing_office.name,
        issuing_authority=demand.issuing_authority,
        contact_name=demand.contact_name,
        date_issued=demand.date_issued,
        date_served=demand.date_served,
        version=response.version,
        correction_reason=response.reason,
        requests=requests,
        exhibits=tuple(exhibits),
        findings=tuple(findings),
        custodian_name=settings.ITG_CUSTODIAN_NAME,
        custodian_title=settings.ITG_CUSTODIAN_TITLE,
        letterhead_address=settings.ITG_LETTERHEAD_ADDRESS,
        is_development=signer_from_settings().is_development,
        prepared_on=timezone.now().astimezone(tz_for("DC")).date(),
    )
