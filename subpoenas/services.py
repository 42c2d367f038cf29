"""Writes to a received demand: its workflow, its deadline (extensions, pauses, recomputation).

`demand_transition` is the only code that writes `status`; `_apply_deadline` the only code that writes
the due date, always from `subpoenas.deadlines` so it can be explained.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.services import case_message_post
from itg.accounts.models import User
from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import fmt_date
from itg.errors import StaleState
from itg.tasks import enqueue_on_commit
from itg.uploads import PDF_ONLY, check_upload, stored_files
from subpoenas import deadlines, workflow
from subpoenas.models import OPEN_STATUSES, DeadlineEvent, DemandDocument, DemandEvent, LegalDemand


@transaction.atomic
def demand_transition(
    *, demand: LegalDemand, action: str, by: User, note: str = "", notify: bool = True
) -> LegalDemand:
    """Move a demand through its workflow (see `workflow.TRANSITIONS`), with compare-and-set and audit.

    `notify=False` is for a caller that sends its own, fuller notice of the same event (delivery of a response).
    """
    if action not in workflow.allowed_actions(by, demand):
        verb = action.replace("_", " ")
        raise PermissionDenied(f"You cannot {verb} a demand that is {demand.get_status_display().lower()}.")
    t = workflow.TRANSITIONS[action]
    note = note.strip()
    if t.note_required and not note:
        raise ValidationError({"note": f"Say why: {t.label.lower()} needs a note the other side will read."})
    old, now = demand.status, timezone.now()
    changes: dict = {"status": [old, t.target]}
    paused = now if t.pauses else (None if t.resumes else demand.paused_since)
    if not LegalDemand.objects.filter(pk=demand.pk, status=old).update(
        status=t.target, paused_since=paused, updated_at=now
    ):
        raise StaleState(
            f"{demand.tracking_number} was changed by someone else a moment ago; reload it and try again."
        )
    was_paused, demand.status, demand.paused_since = demand.paused_since, t.target, paused
    if t.pauses:
        DeadlineEvent.objects.create(demand=demand, kind=DeadlineEvent.Kind.PAUSED, at=now, by=by,
                                     due_date_before=demand.due_date)  # fmt: skip
    elif t.resumes and was_paused:
        DeadlineEvent.objects.create(demand=demand, kind=DeadlineEvent.Kind.RESUMED, at=now, by=by,
                                     due_date_before=demand.due_date)  # fmt: skip
    changes.update(_apply_deadline(demand))
    event = DemandEvent.objects.create(demand=demand, action=action, from_status=old, to_status=t.target, by=by,
                                       at=now, note=note)  # fmt: skip
    if note and t.note_required:
        # The clarification and its answer belong in the thread both sides read.
        case_message_post(by=by, case=demand.case, body=f"[{demand.tracking_number}] {t.label}: {note}")
    record(
        action=Action(f"demand.{action}"), by=by, obj=demand, changes=changes, reason=note[:500]
    )  # last: chain lock
    if notify:
        _notify_on_commit(demand, action, by, f"demand-event:{event.pk}")
    return demand


def _apply_deadline(demand: LegalDemand) -> dict:
    """Recompute the due date from the terms and the deadline history; returns the audit changes."""
    computed, _open_pause = deadlines.compute(demand)
    before = demand.due_date
    fields = {
        "due_date": computed.due_date,
        "due_at": computed.due_at,
        "due_explanation": computed.explanation,
    }
    LegalDemand.objects.filter(pk=demand.pk).update(**fields)
    for name, value in fields.items():
        setattr(demand, name, value)
    last = DeadlineEvent.objects.filter(demand=demand).order_by("-pk").first()  # the event just written
    if last and last.due_date_after is None:
        DeadlineEvent.objects.filter(pk=last.pk).update(due_date_after=computed.due_date)
    return {"due_date": [str(before), str(computed.due_date)]} if before != computed.due_date else {}


def _notify_on_commit(demand: LegalDemand, action: str, by: User, key: str) -> None:
    """Queue the notice after commit; `key` names the event so a redelivered task notifies nobody twice."""
    from subpoenas.tasks import notify_demand_change

    enqueue_on_commit(notify_demand_change, demand.pk, action, by.pk, key)


@transaction.atomic
def extension_ask(*, demand: LegalDemand, by: User, requested_date: date, note: str = "") -> DeadlineEvent:
    """The ITG asks the issuing office for more time; the due date moves only when the office grants it."""
    if not by.is_itg_staff:
        raise PermissionDenied("Only ITG staff ask for an extension.")
    if demand.status not in OPEN_STATUSES:
        raise ValidationError({"requested_date": "The demand is no longer open."})
    if requested_date <= demand.due_date:
        raise ValidationError(
            {"requested_date": f"Ask for a date after the current due date, {fmt_date(demand.due_date)}."}
        )
    event = DeadlineEvent.objects.create(
        demand=demand, kind=DeadlineEvent.Kind.EXTENSION_ASKED, by=by, requested_date=requested_date,
        note=note.strip(), due_date_before=demand.due_date, due_date_after=demand.due_date,
    )  # fmt: skip
    record(action=Action.DEMAND_EXTENSION_ASKED, by=by, obj=demand,
           changes={"requested_date": [None, str(requested_date)]}, reason=note[:500])  # fmt: skip
    _notify_on_commit(demand, "extension_asked", by, f"deadline-event:{event.pk}")
    return event


def extension_answer(
    *, demand: LegalDemand, request: DeadlineEvent, by: User, grant: bool, new_date: date | None = None,
    letter=None, note: str = "",
) -> DeadlineEvent:  # fmt: skip
    """The issuing office grants (with its letter, PDF) or refuses an extension; a grant moves the due date."""
    if not workflow.is_requester(by, demand):
        raise PermissionDenied("Only the issuing office answers an extension request.")
    if (
        request.demand_id != demand.pk
        or request.kind != DeadlineEvent.Kind.EXTENSION_ASKED
        or request.answered
    ):
        raise ValidationError({"request": "This extension request was already answered."})
    if not grant:
        return _extension_refuse(demand, request, by, note)
    new_date = new_date or request.requested_date
    if new_date <= demand.due_date:
        raise ValidationError(
            {"new_date": f"Grant a date after the current due date, {fmt_date(demand.due_date)}."}
        )
    if letter is None:
        raise ValidationError({"letter": "Attach the letter granting the extension (PDF)."})
    return _extension_grant(demand, request, by, new_date, letter, note)


def _extension_grant(demand, request, by, new_date: date, letter, note: str) -> DeadlineEvent:
    """Store the letter, then the grant and the recomputed due date; the letter is deleted if that fails."""
    checked = check_upload(letter, allowed=PDF_ONLY, field_name="letter")
    with stored_files() as files, transaction.atomic():
        doc = DemandDocument.objects.create(
            demand=demand, role=DemandDocument.Role.EXTENSION_LETTER, storage_key=files.save("demands", checked),
            original_name=checked.original_name, size=checked.size, content_type=checked.content_type,
            sha256=checked.sha256, pdf_pages=checked.pdf.pages, pdf_flags=checked.pdf_flags, uploaded_by=by,
        )  # fmt: skip
        _claim(request)
        event = DeadlineEvent.objects.create(
            demand=demand, kind=DeadlineEvent.Kind.EXTENSION_GRANTED, by=by, requested_date=new_date,
            letter=doc, note=note.strip(), due_date_before=demand.due_date,
        )  # fmt: skip
        changes = _apply_deadline(demand)
        record(action=Action.DEMAND_EXTENSION_GRANTED, by=by, obj=demand, reason=note[:500],
               changes={**changes, "letter": [None, f"{doc.original_name} sha256:{doc.sha256}"]})  # fmt: skip
        _notify_on_commit(demand, "extension_granted", by, f"deadline-event:{event.pk}")
    return event


def _claim(request: DeadlineEvent) -> None:
    """Compare-and-set: an extension request is answered once, even by two people at the same moment."""
    if not DeadlineEvent.objects.filter(pk=request.pk, answered=False).update(answered=True):
        raise ValidationError({"request": "This extension request was already answered."})


@transaction.atomic
def _extension_refuse(demand, request, by, note) -> DeadlineEvent:
    _claim(request)
    event = DeadlineEvent.objects.create(
        demand=demand, kind=DeadlineEvent.Kind.EXTENSION_REFUSED, by=by, requested_date=request.requested_date,
        note=note.strip(), due_date_before=demand.due_date, due_date_after=demand.due_date,
    )  # fmt: skip
    record(action=Action.DEMAND_EXTENSION_REFUSED, by=by, obj=demand, reason=note[:500])
    _notify_on_commit(demand, "extension_refused", by, f"deadline-event:{event.pk}")
    return event


@transaction.atomic
def deadline_recompute(*, demand_id: int) -> bool:
    """Recompute one open demand's due date (holiday data changed); a no-op when nothing moves."""
    demand = LegalDemand.objects.select_for_update().filter(pk=demand_id, status__in=OPEN_STATUSES).first()
    if demand is None:
        return False
    computed, _ = deadlines.compute(demand)
    if (computed.due_date, computed.due_at, computed.explanation) == (
        demand.due_date, demand.due_at, demand.due_explanation,
    ):  # fmt: skip
        return False
    DeadlineEvent.objects.create(demand=demand, kind=DeadlineEvent.Kind.RECOMPUTED, due_date_before=demand.due_date,
                                 note="The holiday calendar changed.")  # fmt: skip
    changes = _apply_deadline(demand)
    record(action=Action.DEMAND_DEADLINE_RECOMPUTED, obj=demand, changes=changes, actor_email="system")
    return True


def open_demand_ids() -> list[int]:
    return list(LegalDemand.objects.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
