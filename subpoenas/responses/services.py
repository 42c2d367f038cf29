"""Writes of a response version: prepare (freeze), render and sign, deliver. Each state change is a step of
`subpoenas.responses.workflow`, whose `move` is the one writer of `status` (a compare-and-set).

Why the order of signing: rendering and signing take seconds, so they run outside any transaction; the
result is registered in one short transaction that locks the demand's Bates counter, checks the range it
rendered with is still the next one (compare-and-set), writes the issued document, advances the counter,
marks the version signed and moves the demand. If anything fails, that transaction rolls back, the stored
file is deleted, and the demand is as it was.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from itg.errors import StaleState
from itg.pdf import BatesPdf, render_bates_pdf_parts
from itg.tasks import enqueue_on_commit
from subpoenas import workflow
from subpoenas.models import LegalDemand
from subpoenas.responses import workflow as steps
from subpoenas.responses.assemble import letter_files, package_for, snapshot_of
from subpoenas.responses.evidence import evidence_editable
from subpoenas.responses.issuing import SignedFile, discard_stored, issued_document_create, pdf_sign_and_store
from subpoenas.responses.models import BatesCounter, IssuedDocument, Response
from subpoenas.responses.package import data_exhibits, with_manifest
from subpoenas.responses.tables import package_parts
from subpoenas.services import demand_transition

logger = logging.getLogger(__name__)
S, R = LegalDemand.Status, Response.Status
# A live render refreshes its claim (`started_at`) at every step; a claim this old was lost with its worker
# (pool process or whole worker killed) and is taken over by a redelivered task or the sweep (settings:
# RESPONSE_STALE_RENDER_SECONDS, 300; bench/faults.py shortens it to run fifty kills in minutes).
STALE_RENDER = timedelta(seconds=settings.RESPONSE_STALE_RENDER_SECONDS)
LOST_WORKER = (
    "The signing worker stopped during rendering (restarted or killed); nothing was stored. "
    "Retry to render and sign this version again."
)


class BatesMoved(Exception):
    """Another version took the Bates numbers this render used; render again from the new start."""


def _check_ready(snapshot: dict) -> None:
    problems = []
    for r in snapshot["requests"]:
        if not r["answer"]:
            problems.append(f"request {r['number']} has no answer")
        elif r["answer"] == "produced" and not r["tracebacks"]:
            problems.append(f"request {r['number']} is answered 'produced' but no records are linked")
    if not snapshot["requests"]:
        problems.append("the demand has no requests")
    if problems:
        raise ValidationError("The response is not ready: " + "; ".join(problems) + ".")


@transaction.atomic
def response_prepare(*, demand: LegalDemand, by, reason: str = "") -> Response:
    """Freeze the answers and evidence into a new version and queue its rendering and signing.

    The first version moves the demand to "response ready"; a later one is a correction of a delivered
    response and must say why (the reason is printed on its cover letter).
    """
    if not by.is_itg_staff:
        raise PermissionDenied("Only ITG staff prepare responses.")
    demand = LegalDemand.objects.select_for_update().get(pk=demand.pk)
    if not evidence_editable(demand):
        raise ValidationError(
            "A response can be prepared while work is in progress, or after delivery to correct it."
        )
    snapshot = snapshot_of(demand)
    _check_ready(snapshot)
    version = (demand.responses.aggregate(v=Max("version"))["v"] or 0) + 1
    reason = reason.strip()
    if version > 1 and not reason:
        raise ValidationError(
            {"reason": "Say why this correction is issued: its cover letter states the reason."}
        )
    response = Response.objects.create(
        demand=demand, version=version, snapshot=snapshot, reason=reason if version > 1 else "", created_by=by
    )
    if demand.status == S.IN_PROGRESS:
        demand_transition(demand=demand, action="mark_response_ready", by=by)
    record(
        action=Action.RESPONSE_PREPARED, by=by, obj=response, changes={"version": version, "reason": reason}
    )
    _queue(response)
    return response


def _queue(response: Response) -> None:
    from subpoenas.responses.tasks import sign_response

    enqueue_on_commit(sign_response, response.pk)


@transaction.atomic
def response_retry(*, response: Response, by) -> Response:
    """Queue a failed version again (after fixing the signing configuration, for instance)."""
    if not by.is_itg_staff:
        raise PermissionDenied("Only ITG staff sign responses.")
    if not steps.move(response, "retry", error="", progress=0):
        raise ValidationError("Only a version whose signing failed can be retried.")
    record(action=Action.RESPONSE_PREPARED, by=by, obj=response, changes={"retry": True})
    _queue(response)
    return response


def _claim(response_id: int) -> Response | None:
    """Take the version for rendering (compare-and-set); None when it is done or another worker has it.
    A failed version is taken too: why a redelivered task may do so is in `subpoenas.responses.workflow`."""
    now = timezone.now()
    if not steps.move(
        response_id,
        "claim",
        when=steps.claim_condition(now, STALE_RENDER),
        started_at=now,
        progress=5,
        progress_label="Collecting the records",
    ):
        return None
    return Response.objects.select_related("demand__issuing_office", "created_by").get(pk=response_id)


def _progress(response: Response, percent: int, label: str) -> None:
    # The heartbeat of a live render: a claim whose `started_at` stops moving is taken over or swept.
    steps.move(response.pk, "progress", progress=percent, progress_label=label, started_at=timezone.now())


def _render(response: Response, start: int) -> BatesPdf:
    package = package_for(response)
    exhibits = data_exhibits(package) + letter_files(package)
    package = with_manifest(package, exhibits)
    _progress(response, 20, f"Rendering {len(package.exhibits)} exhibits")
    return render_bates_pdf_parts(
        package_parts(package, settings.RESPONSE_EXHIBITS_PER_PART), prefix=package.bates_prefix, start=start,
        attachments=exhibits, workers=settings.RESPONSE_RENDER_WORKERS,
    )  # fmt: skip


def response_render_and_sign(*, response_id: int) -> Response | None:
    """Render, Bates-number, sign and register one version; a no-op if it is already signed or taken.

    Safe to run twice (a duplicate task delivery): the claim lets one run work, the unique constraints
    let one signed document exist, and the loser discards its file.
    """
    response = _claim(response_id)
    if response is None:
        return None
    signed: SignedFile | None = None
    try:
        for _attempt in range(3):
            start = _next_bates(response.demand_id)
            rendered = _render(response, start)
            _progress(response, 75, "Signing")
            signed = pdf_sign_and_store(rendered.pdf, reason=_reason(response), folder="responses")
            try:
                return _register(response, rendered, signed)
            except BatesMoved:
                discard_stored(signed)
                signed = None
        raise RuntimeError("The Bates range kept moving under this render; try again.")
    except Exception as error:  # any failure: no file, no document, the demand as it was; shown on the page
        discard_stored(signed)
        _fail(response, error)
        return None


def render_claimed_elsewhere(response_id: int) -> bool:
    """Another worker holds a fresh claim: the caller should look again once it could have gone stale."""
    return Response.objects.filter(
        pk=response_id, status=R.RENDERING, started_at__gte=timezone.now() - STALE_RENDER
    ).exists()


def responses_sweep_stale() -> dict:
    """Renders whose worker died are marked failed, with the reason and a retry (the page shows both);
    versions queued long ago whose message was lost with a worker are queued again. Run every minute."""
    from subpoenas.responses.tasks import sign_response

    cutoff = timezone.now() - STALE_RENDER
    failed = 0
    for response in Response.objects.filter(status=R.RENDERING, started_at__lt=cutoff).select_related(
        "created_by"
    ):
        with transaction.atomic():
            if steps.move(
                response,
                "fail_lost",
                when=Q(started_at__lt=cutoff),
                error=LOST_WORKER,
                progress=0,
                progress_label="",
            ):
                failed += 1
                record(action=Action.RESPONSE_SIGN_FAILED, by=response.created_by, obj=response,
                       outcome=Outcome.FAILED, reason=LOST_WORKER)  # fmt: skip
    queued = list(
        Response.objects.filter(status=R.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True)
    )
    for pk in queued:
        sign_response.delay(pk)  # the claim is a compare-and-set: a duplicate message is a no-op
    return {"failed": failed, "requeued": len(queued)}


def _next_bates(demand_id: int) -> int:
    last = BatesCounter.objects.filter(demand_id=demand_id).values_list("last", flat=True).first()
    return (last or 0) + 1


def _reason(response: Response) -> str:
    return f"Response of the Industry Traceback Group to {response.demand.tracking_number}, version {response.version}"


@transaction.atomic
def _register(response: Response, rendered: BatesPdf, signed: SignedFile) -> Response:
    counter, _ = BatesCounter.objects.select_for_update().get_or_create(demand_id=response.demand_id)
    if counter.last != rendered.first - 1:
        raise BatesMoved
    demand = response.demand
    try:
        with transaction.atomic():
            document = issued_document_create(
                signed=signed, kind=IssuedDocument.Kind.RESPONSE, title=f"Response to {demand.tracking_number}",
                version=response.version, demand=demand, bates_prefix=f"ITG-{demand.tracking_number}",
                bates_first=rendered.first, bates_last=rendered.last,
            )  # fmt: skip
    except IntegrityError as error:
        raise ValidationError("This version already has a signed document.") from error
    counter.last = rendered.last
    counter.save(update_fields=["last"])
    now = timezone.now()
    if not steps.move(
        response,
        "sign",
        when=Q(document__isnull=True),
        document=document,
        progress=100,
        progress_label="Signed",
        error="",
    ):
        raise StaleState("This version was signed by another worker a moment ago.")
    if demand.status == S.RESPONSE_READY:
        demand_transition(demand=demand, action="sign_response", by=response.created_by)
    record(
        action=Action.RESPONSE_SIGNED, by=response.created_by, obj=response,
        changes={"version": response.version, "sha256": document.sha256, "bates": document.bates_range,
                 "development": document.is_development, "signed_at": now.isoformat()},
    )  # fmt: skip
    return response


def _fail(response: Response, error: Exception) -> None:
    message = str(error) or error.__class__.__name__
    logger.exception("Signing response %s failed", response.pk)
    with transaction.atomic():
        steps.move(response.pk, "fail", error=message[:2000], progress=0, progress_label="")
        record(
            action=Action.RESPONSE_SIGN_FAILED, by=response.created_by, obj=response, outcome=Outcome.FAILED,
            reason=message[:500],
        )  # fmt: skip


@transaction.atomic
def response_deliver(*, response: Response, by) -> Response:
    """Release a signed version to the requesting office, and tell them. It never changes afterwards."""
    if not by.is_itg_staff:
        raise PermissionDenied("Only ITG staff deliver responses.")
    demand = LegalDemand.objects.select_for_update().get(pk=response.demand_id)
    now = timezone.now()
    if not steps.move(response, "deliver", delivered_by=by, delivered_at=now):
        raise ValidationError("Only a signed version awaiting delivery can be delivered.")
    if demand.status == S.RESPONSE_SIGNED and "deliver" in workflow.allowed_actions(by, demand):
        # One notice for the requester: the delivery notice below, with the download link, not a bare status change.
        demand_transition(demand=demand, action="deliver", by=by, notify=False)
    record(action=Action.RESPONSE_DELIVERED, by=by, obj=response, changes={"version": response.version})
    from subpoenas.responses.notices import notify_delivery

    transaction.on_commit(partial(notify_delivery, response.pk))
    return response
