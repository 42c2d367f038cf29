"""Receiving a demand: validate, store the files, write the rows, number it, and send the receipt.

Two doors, one writer (`demand_receive`): the page stores checked files in an `IntakeDraft` first (so the
user can review the requests prefilled from the PDF), the API sends everything in one POST. Either way
the rows and the stored files end up together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.access import cases_visible_to
from cases.models import Case
from cases.services import case_create
from itg.accounts.models import User
from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import JURISDICTIONS, tz_for
from itg.tasks import enqueue_on_commit
from itg.uploads import PDF_ONLY, CheckedFile, check_upload, stored_files
from subpoenas import deadlines
from subpoenas.extraction import read_demand
from subpoenas.models import (
    DeadlineEvent,
    DemandDocument,
    DemandEvent,
    DemandRequest,
    DraftFile,
    IntakeDraft,
    LegalDemand,
    TrackingCounter,
)
from tracebacks.phones import to_e164

MAX_ATTACHMENTS = 50
MAX_REQUESTS = 200


@dataclass
class RequestInput:
    number: int
    text: str
    phone_numbers: list[str] = field(default_factory=list)  # calling or called
    date_from: date | None = None
    date_to: date | None = None
    providers: list[str] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)
    calling_numbers: list[str] = field(default_factory=list)
    called_numbers: list[str] = field(default_factory=list)
    terminating_states: list[str] = field(default_factory=list)  # the called number's state


@dataclass
class DemandInput:
    kind: str
    caption: str
    issuing_authority: str
    date_issued: date
    date_served: date
    contact_name: str
    contact_email: str
    case_id: int | None = None
    new_case_title: str = ""
    statute: str = ""
    return_date: date | None = None
    response_days: int | None = None
    response_day_kind: str = ""
    confidentiality: str = LegalDemand.Confidentiality.STANDARD
    contact_phone: str = ""
    requests: list[RequestInput] = field(default_factory=list)
    confirm_duplicate: bool = False


@dataclass(frozen=True)
class FileRow:
    """A stored file about to become a DemandDocument."""

    role: str
    storage_key: str
    original_name: str
    size: int
    content_type: str
    sha256: str
    pdf_pages: int | None
    pdf_flags: list[str]


# ---------------------------------------------------------------------------------------------------
# Validation shared by the page and the API


def validate_terms(data: DemandInput) -> None:
    """Cross-field rules, each with the field to fix and how; raises one ValidationError with all."""
    errors: dict[str, list[str]] = {}
    add = lambda name, msg: errors.setdefault(name, []).append(msg)  # noqa: E731
    if data.date_served < data.date_issued:
        add("date_served", "The date served cannot be before the date issued.")
    if data.return_date is None and not data.response_days:
        add("return_date", "Give the return date, or a response period in days.")
    if data.return_date is not None and data.response_days:
        add("response_days", "Give either a return date or a response period, not both.")
    if data.return_date is not None and data.return_date < data.date_served:
        add("return_date", "The return date cannot be before the date served.")
    if data.response_days and data.response_day_kind not in LegalDemand.DayKind.values:
        add("response_day_kind", "Say whether the period counts calendar days or business days.")
    if data.contact_phone:
        try:
            data.contact_phone = to_e164(data.contact_phone, field="contact_phone")
        except ValidationError as error:
            add("contact_phone", " ".join(error.messages))
    if data.case_id is None and not data.new_case_title.strip():
        add("case", "Choose one of your state's cases, or give a title for a new case.")
    _validate_requests(data.requests, add)
    if errors:
        raise ValidationError(errors)


def _validate_requests(requests: list[RequestInput], add) -> None:
    if not requests:
        add("requests", "List at least one numbered request of the demand.")
    if len(requests) > MAX_REQUESTS:
        add("requests", f"At most {MAX_REQUESTS} requests.")
    numbers = [r.number for r in requests]
    if len(set(numbers)) != len(numbers):
        add("requests", "Each request needs its own number.")
    for r in requests:
        if not r.text.strip():
            add("requests", f"Request {r.number}: give its text.")
        if r.date_from and r.date_to and r.date_to < r.date_from:
            add("requests", f"Request {r.number}: the date range ends before it starts.")
        for side in ("phone_numbers", "calling_numbers", "called_numbers"):
            normalized = []
            for raw in getattr(r, side):
                try:
                    normalized.append(to_e164(raw))
                except ValidationError as error:
                    add("requests", f"Request {r.number}: {' '.join(error.messages)}")
            setattr(r, side, list(dict.fromkeys(normalized)))
        states = [s.strip().upper() for s in r.terminating_states if s.strip()]
        unknown = [s for s in states if s not in JURISDICTIONS]
        if unknown:
            add(
                "requests", f"Request {r.number}: {', '.join(unknown)} is not a state's two-letter code (TX)."
            )
        r.terminating_states = list(dict.fromkeys(states))


def check_demand_files(demand_file, attachments) -> tuple[CheckedFile, list[CheckedFile]]:
    """Check the demand PDF (required) and the attachments; every refusal names the file."""
    errors: dict[str, list[str]] = {}
    main = None
    if demand_file is None:
        errors["document"] = ["Attach the demand itself, as a PDF."]
    else:
        try:
            main = check_upload(demand_file, allowed=PDF_ONLY, field_name="document")
        except ValidationError as error:
            errors.update(error.message_dict)
    checked = []
    if len(attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = [f"At most {MAX_ATTACHMENTS} attachments per demand."]
    for upload in attachments[:MAX_ATTACHMENTS]:
        try:
            checked.append(check_upload(upload, field_name="attachments"))
        except ValidationError as error:
            errors.setdefault("attachments", []).extend(error.message_dict["attachments"])
    if errors:
        raise ValidationError(errors)
    return main, checked


# ---------------------------------------------------------------------------------------------------
# Writers


def _row(role: str, key: str, c: CheckedFile) -> FileRow:
    pages = c.pdf.pages if c.pdf else None
    return FileRow(role, key, c.original_name, c.size, c.content_type, c.sha256, pages, c.pdf_flags)


def demand_receive_uploads(
    *, by: User, data: DemandInput, main: CheckedFile, attachments: list[CheckedFile]
) -> LegalDemand:
    """The API's door: store the checked files, then write the rows; a failure deletes the files."""
    _check_submitter(by)
    validate_terms(data)
    with stored_files() as files:
        rows = [_row(DemandDocument.Role.DEMAND, files.save("demands", main), main)]
        rows += [_row(DemandDocument.Role.ATTACHMENT, files.save("demands", c), c) for c in attachments]
        return demand_receive(by=by, data=data, files=rows)


def demand_receive_draft(*, by: User, draft: IntakeDraft, data: DemandInput) -> LegalDemand:
    """The page's door: the files are already stored under the draft; they pass to the demand."""
    if draft.user_id != by.pk:
        raise PermissionDenied("This upload belongs to someone else.")
    validate_terms(data)
    rows = [
        FileRow(
            f.role, f.storage_key, f.original_name, f.size, f.content_type, f.sha256, f.pdf_pages, f.pdf_flags
        )
        for f in draft.files.all()
    ]
    with transaction.atomic():
        IntakeDraft.objects.filter(pk=draft.pk).delete()  # the files pass to the demand (rolled back with it)
        demand = demand_receive(by=by, data=data, files=rows)
    return demand


@transaction.atomic
def demand_receive(*, by: User, data: DemandInput, files: list[FileRow]) -> LegalDemand:
    """Write the demand, its requests and documents, number it, set its deadline, audit it, send the receipt."""
    _check_submitter(by)
    if not any(f.role == DemandDocument.Role.DEMAND for f in files):
        raise ValidationError({"document": "Attach the demand itself, as a PDF."})
    case = _resolve_case(by, data)
    if not data.confirm_duplicate:
        _refuse_duplicates(by, data, [f.sha256 for f in files if f.role == DemandDocument.Role.DEMAND])
    now = timezone.now()
    demand = LegalDemand(
        kind=data.kind, case=case, issuing_office=by.office, state=by.state, caption=data.caption.strip(),
        issuing_authority=data.issuing_authority.strip(), statute=data.statute.strip(),
        date_issued=data.date_issued, date_served=data.date_served, return_date=data.return_date,
        response_days=data.response_days or None,
        response_day_kind=data.response_day_kind if data.response_days else "",
        confidentiality=data.confidentiality, contact_name=data.contact_name.strip(),
        contact_email=data.contact_email.strip(), contact_phone=data.contact_phone,
        submitted_by=by, received_at=now,
        tracking_number=allocate_tracking_number(by.state, now.astimezone(tz_for(by.state)).year),
    )  # fmt: skip
    due = deadlines.base_due(deadlines.terms_of(demand))
    demand.due_date, demand.due_at, demand.due_explanation = due.due_date, due.due_at, due.explanation
    demand.search_text = search_text(demand.caption, data.requests)
    demand.save()
    _write_children(demand, by, data.requests, files, now)
    record(
        action=Action.DEMAND_RECEIVED, by=by, obj=demand,
        changes={"tracking_number": [None, demand.tracking_number], "due_date": [None, str(demand.due_date)],
                 "documents": [None, [f"{f.original_name} sha256:{f.sha256}" for f in files]]},
    )  # fmt: skip
    from subpoenas.tasks import send_receipt

    enqueue_on_commit(send_receipt, demand.pk)
    return demand


def _write_children(demand, by, requests, files, now) -> None:
    DemandRequest.objects.bulk_create(
        DemandRequest(
            demand=demand, number=r.number, text=r.text.strip(), phone_numbers=r.phone_numbers,
            calling_numbers=r.calling_numbers, called_numbers=r.called_numbers,
            terminating_states=r.terminating_states,
            date_from=r.date_from, date_to=r.date_to, providers=r.providers, campaigns=r.campaigns,
        )
        for r in sorted(requests, key=lambda r: r.number)
    )  # fmt: skip
    DemandDocument.objects.bulk_create(
        DemandDocument(demand=demand, uploaded_by=by, uploaded_at=now, **f.__dict__) for f in files
    )
    DeadlineEvent.objects.create(
        demand=demand, kind=DeadlineEvent.Kind.SET, at=now, by=by, due_date_after=demand.due_date,
        note=demand.due_explanation,
    )  # fmt: skip
    DemandEvent.objects.create(demand=demand, action="received", to_status=demand.status, by=by, at=now)


def _check_submitter(by: User) -> None:
    if not by.is_ag_staff:
        raise PermissionDenied("Only attorney-general staff submit legal demands.")


def _resolve_case(by: User, data: DemandInput) -> Case:
    if data.case_id is None:
        return case_create(by=by, title=data.new_case_title)
    case = cases_visible_to(by).filter(pk=data.case_id, lead_state=by.state).first()
    if case is None:
        raise ValidationError({"case": "Choose one of your state's cases, or give a title for a new case."})
    return case


def _refuse_duplicates(by: User, data: DemandInput, hashes: list[str]) -> None:
    from subpoenas.selectors import likely_duplicates

    dupes = likely_duplicates(by, hashes, data.caption, data.date_issued, data.date_served)
    if dupes:
        listed = ", ".join(d.tracking_number for d in dupes)
        raise ValidationError(
            {"confirm_duplicate": f"This looks like a demand already received ({listed}): same document or "
             "same caption and dates. Check it; if this is a separate demand, confirm and submit again."}
        )  # fmt: skip


def allocate_tracking_number(state: str, year: int) -> str:
    """`TX-2026-00042`: the next number of the state's year, from a locked counter row.

    The counter row is locked (SELECT ... FOR UPDATE) inside the receiving transaction, so concurrent
    intakes queue on it, and a rolled-back intake gives its number back: numbers are unique and gapless.
    """
    TrackingCounter.objects.get_or_create(state=state, year=year)
    counter = TrackingCounter.objects.select_for_update().get(state=state, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{state}-{year}-{counter.last:05d}"


def search_text(caption: str, requests: list[RequestInput]) -> str:
    """What search matches beside the tracking number: caption, numbers (E.164 and bare digits), providers."""
    parts = [caption]
    for r in requests:
        numbers = r.phone_numbers + r.calling_numbers + r.called_numbers
        parts += numbers + [p.lstrip("+1") for p in numbers] + r.providers + r.campaigns
    return "\n".join(parts).lower()


# ---------------------------------------------------------------------------------------------------
# Intake drafts (the page's first step)


def intake_draft_create(*, by: User, demand_file, attachments) -> IntakeDraft:
    """Check and store the files, read the demand PDF's text to prefill the form; all or nothing."""
    _check_submitter(by)
    main, checked = check_demand_files(demand_file, attachments)
    prefill = demand_reading(main, state=by.state)
    with stored_files() as files, transaction.atomic():
        draft = IntakeDraft.objects.create(user=by, prefill=prefill)
        roles = [(DemandDocument.Role.DEMAND, main)] + [(DemandDocument.Role.ATTACHMENT, c) for c in checked]
        DraftFile.objects.bulk_create(
            DraftFile(draft=draft, **_row(role, files.save("demands", c), c).__dict__) for role, c in roles
        )
        record(action=Action.DEMAND_UPLOAD_STAGED, by=by, obj=draft, label=main.original_name,
               changes={"files": [None, [f"{c.original_name} sha256:{c.sha256}" for _, c in roles]]})  # fmt: skip
    return draft


def demand_reading(checked: CheckedFile, *, state: str) -> dict:
    """What the reader found in a checked demand PDF, matched against the provider registry and campaigns.

    A PDF pypdf cannot lay out gives an empty reading with a message, never a refused upload: the user can
    always enter the demand by hand.
    """
    from subpoenas.selectors import reading_registry

    content = checked.content
    content.seek(0)
    try:
        return read_demand(content, registry=reading_registry(), state=state).as_json()
    except Exception:  # noqa: BLE001 - pypdf raises many kinds; the reading is a convenience, the upload stands
        note = "The PDF's text could not be read. Enter the demand's details by hand below."
        return {"version": 2, "text_layer": False, "messages": [{"code": "unreadable", "text": note}],
                "fields": {}, "requests": [], "requests_offered": [], "phone_numbers": [], "dates": []}  # fmt: skip
    finally:
        content.seek(0)


def intake_drafts_purge(*, older_than) -> int:
    """Delete abandoned drafts and their stored files (a beat task runs this daily)."""
    from itg.uploads import delete_quietly

    stale = IntakeDraft.objects.filter(created_at__lt=older_than)
    keys = list(DraftFile.objects.filter(draft__in=stale).values_list("storage_key", flat=True))
    count, _ = stale.delete()
    for key in keys:
        transaction.on_commit(partial(delete_quietly, key))
    return count
