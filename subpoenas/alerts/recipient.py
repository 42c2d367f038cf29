"""What a receiving office does with its copy of an alert: view, acknowledge, open an investigation,
request the records. The one writer of `AlertRecipient.status`; each step audited against the office's
state (its supervisors see it in their access history)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.services import case_create
from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import fmt_date
from subpoenas.alerts.models import AlertRecipient
from subpoenas.models import IntakeDraft

S = AlertRecipient.Status
ORDER = [S.DELIVERED, S.VIEWED, S.ACKNOWLEDGED, S.INVESTIGATING, S.RECORDS_REQUESTED]


def _further(current: str, step: str) -> str:
    """Status shows the furthest step taken: requesting records after an investigation stays ahead."""
    return step if ORDER.index(step) > ORDER.index(current) else current


def _require_office(by, copy: AlertRecipient) -> None:
    if not (by.is_ag_staff and by.office_id == copy.office_id):
        raise PermissionDenied("Only staff of the office that received this alert can act on it.")


def _when(copy_at) -> str:
    return fmt_date(timezone.localtime(copy_at).date())


@transaction.atomic
def alert_view(*, by, alert, copy: AlertRecipient | None) -> None:
    """Record the view (every view is audited); the office's first view marks its copy viewed."""
    if copy is not None and copy.viewed_at is None:
        now = timezone.now()
        if AlertRecipient.objects.filter(pk=copy.pk, viewed_at=None).update(
            viewed_at=now, status=_further(copy.status, S.VIEWED)
        ):
            copy.viewed_at, copy.status = now, _further(copy.status, S.VIEWED)
    record(action=Action.ALERT_VIEWED, by=by, obj=copy or alert)


@transaction.atomic
def alert_acknowledge(*, by, copy: AlertRecipient) -> AlertRecipient:
    """The office confirms it has the alert. Once: a second acknowledgement says who did it and when."""
    _require_office(by, copy)
    now = timezone.now()
    if not AlertRecipient.objects.filter(pk=copy.pk, acknowledged_at=None).update(
        acknowledged_at=now, acknowledged_by=by, status=_further(copy.status, S.ACKNOWLEDGED)
    ):
        copy.refresh_from_db()
        raise ValidationError(f"This alert was already acknowledged by {copy.acknowledged_by.full_name} "
                              f"on {_when(copy.acknowledged_at)}.")  # fmt: skip
    copy.acknowledged_at, copy.acknowledged_by, copy.status = now, by, _further(copy.status, S.ACKNOWLEDGED)
    record(action=Action.ALERT_ACKNOWLEDGED, by=by, obj=copy)
    return copy


@transaction.atomic
def alert_open_investigation(*, by, copy: AlertRecipient, title: str = "", reference: str = ""):
    """Open one case of the office from the alert (acknowledging it if not yet done). The case is an
    ordinary case: its supervisors share it with other states like any other."""
    _require_office(by, copy)
    copy = AlertRecipient.objects.select_for_update().select_related("alert__campaign").get(pk=copy.pk)
    if copy.case_id:
        raise ValidationError(f"An investigation is already open for this alert: case “{copy.case.title}”.")
    alert = copy.alert
    case = case_create(
        by=by, title=title.strip() or f"{alert.campaign.name} ({alert.reference})", reference=reference
    )
    now = timezone.now()
    fields = {"case": case, "investigation_at": now, "status": _further(copy.status, S.INVESTIGATING)}
    if copy.acknowledged_at is None:
        fields |= {"acknowledged_at": now, "acknowledged_by": by}
    AlertRecipient.objects.filter(pk=copy.pk).update(**fields)
    for name, value in fields.items():
        setattr(copy, name, value)
    record(action=Action.ALERT_INVESTIGATION_OPENED, by=by, obj=copy, changes={"case": [None, case.pk]})
    return case


def records_prefill(alert) -> dict:
    """The intake form's prefill from a sent alert's frozen packet: one request for the campaign's records
    over its period, naming the caller IDs and the providers on its paths."""
    p = alert.packet
    numbers = [c["number"] for c in p["caller_ids"]]
    # In the demand reader's shape (subpoenas/extraction.py), so the review page shows them as matched.
    found = sorted({(h["rmd"] or "", h["provider"]) for path in p["paths"] for h in path["hops"]
                    if h["role"].startswith(("Originating", "Gateway"))})  # fmt: skip
    providers = [{"written": rmd or name, "match": {"id": None, "name": name, "rmd": rmd, "frn": ""},
                  "by": "alert", "confidence": 1.0} for rmd, name in found]  # fmt: skip
    text = (f"All records of the calls of the campaign {p['campaign']['name']} ({alert.reference}) from "
            f"{p['period']['start']} to {p['period']['end']}: call detail records of calls from the numbers "
            "listed, the traceback records of each hop, and the identity and account records of the customer "
            "of each originating provider.")  # fmt: skip
    request = {"number": 1, "text": text, "phone_numbers": numbers, "date_from": p["period"]["start"],
               "date_to": p["period"]["end"], "providers": providers, "campaigns": [p["campaign"]["name"]]}  # fmt: skip
    return {"requests": [request], "phone_numbers": numbers, "dates": [], "return_date": None, "date_issued": None,
            "caption": f"In re {p['campaign']['name']} robocall campaign", "alert": alert.pk}  # fmt: skip


def alert_request_records(*, by, copy: AlertRecipient, demand_file, attachments=()) -> IntakeDraft:
    """Start a demand for the full records: the office's signed demand PDF goes through intake's checks,
    and the review page opens prefilled from the alert (numbers, period, campaign, providers)."""
    from subpoenas import intake

    _require_office(by, copy)
    with transaction.atomic():
        draft = intake.intake_draft_create(by=by, demand_file=demand_file, attachments=list(attachments))
        prefill = records_prefill(copy.alert)
        prefill["dates"] = draft.prefill.get("dates", [])  # what the PDF itself says stays visible
        IntakeDraft.objects.filter(pk=draft.pk).update(prefill=prefill)
        draft.prefill = prefill
        now = timezone.now()
        AlertRecipient.objects.filter(pk=copy.pk).update(
            records_requested_at=now, status=_further(copy.status, S.RECORDS_REQUESTED)
        )
        copy.records_requested_at, copy.status = now, _further(copy.status, S.RECORDS_REQUESTED)
        record(
            action=Action.ALERT_RECORDS_REQUESTED,
            by=by,
            obj=copy,
            changes={"intake_draft": [None, str(draft.pk)]},
        )
    return draft
