"""Campaigns and the life of a traceback: start (hop 1 at the terminating provider), end, close."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from itg.accounts.models import User
from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import hop_due_at, is_time_zone
from itg.errors import StaleState
from itg.tasks import enqueue_on_commit
from itg.uploads import AUDIO_TYPES, TRANSCRIPT_TYPES, CheckedFile, check_upload, stored_files
from providers.models import Provider
from tracebacks import workflow
from tracebacks.models import Campaign, Hop, Traceback
from tracebacks.phones import to_e164


def require_itg(by: User | None, what: str) -> None:
    if not (by and by.is_authenticated and by.is_itg_staff):
        raise PermissionDenied(f"Only ITG staff {what}.")


@transaction.atomic
def campaign_create(
    *, by: User, name: str, kind: str, description: str = "", legal_basis: str = ""
) -> Campaign:
    require_itg(by, "create campaigns")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the campaign, e.g. SSA-CalltheSSA."})
    if kind not in Campaign.Kind.values:
        raise ValidationError({"kind": "Choose one of the campaign kinds."})
    if Campaign.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"A campaign named {name} already exists."})
    campaign = Campaign.objects.create(name=name, kind=kind, description=description, legal_basis=legal_basis)
    record(action=Action.CAMPAIGN_CREATED, by=by, obj=campaign)
    return campaign


def hop_open(
    *, traceback: Traceback, provider: Provider, role: str, now: datetime, by: User | None = None
) -> Hop:
    """Ask `provider` about the call; the 24-hour clock runs in the provider's local business hours."""
    sequence = traceback.hop_count + 1
    hop = Hop.objects.create(
        traceback=traceback, sequence=sequence, provider=provider, role=role, asked_at=now,
        due_at=hop_due_at(now, provider.time_zone),
    )  # fmt: skip
    Traceback.objects.filter(pk=traceback.pk).update(hop_count=F("hop_count") + 1)
    traceback.hop_count = sequence
    record(
        action=Action.HOP_OPENED, by=by, obj=hop, actor_email="" if by else "portal",
        changes={"provider": [None, provider.business_name], "due_at": [None, hop.due_at.isoformat()]},
    )  # fmt: skip
    from tracebacks.tasks import notify_hop

    enqueue_on_commit(notify_hop, hop.pk, provider.pk)
    return hop


def check_call_files(
    recording: UploadedFile | None, transcript_file: UploadedFile | None
) -> tuple[CheckedFile | None, CheckedFile | None]:
    """A recording must be audio and a transcript text or PDF, by their bytes: a renamed program is refused
    before anything is stored (the refusal names the file and what is accepted)."""
    errors: dict[str, list[str]] = {}
    checked: list[CheckedFile | None] = []
    for upload, allowed, name in (
        (recording, AUDIO_TYPES, "recording"),
        (transcript_file, TRANSCRIPT_TYPES, "transcript_file"),
    ):
        try:
            checked.append(check_upload(upload, allowed=allowed, field_name=name) if upload else None)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return checked[0], checked[1]


def _check_zone(name: str) -> None:
    if not is_time_zone(name):
        raise ValidationError({"call_tz": f"{name!r} is not a time zone; use e.g. America/New_York."})


def traceback_create(
    *, by: User, campaign: Campaign, call_at: datetime, call_tz: str, calling_number: str, called_number: str,
    source: str, terminating_provider: Provider, transcript: str = "", source_detail: str = "",
    recording: UploadedFile | None = None, transcript_file: UploadedFile | None = None,
    now: datetime | None = None,
) -> Traceback:  # fmt: skip
    """Start a traceback from a sample call: hop 1 is asked of the terminating provider at once.

    The files are stored under generated keys inside `stored_files()`: if any write fails (the audit row,
    opening hop 1), the stored files are deleted with the rolled-back rows, so no orphan is left."""
    require_itg(by, "start tracebacks")
    now = now or timezone.now()
    call_at = _check_call(call_at, call_tz, source, terminating_provider, now)
    calling, called = (
        to_e164(calling_number, field="calling_number"),
        to_e164(called_number, field="called_number"),
    )
    checked_recording, checked_transcript = check_call_files(recording, transcript_file)
    with stored_files() as files, transaction.atomic():
        traceback = Traceback.objects.create(
            campaign=campaign, call_at=call_at, call_tz=call_tz, source=source, source_detail=source_detail,
            calling_number=calling, called_number=called, transcript=transcript.strip(),
            recording=files.save("tracebacks/recordings", checked_recording) if checked_recording else "",
            transcript_file=files.save("tracebacks/transcripts", checked_transcript) if checked_transcript else "",
            created_by=by, created_at=now,
        )  # fmt: skip
        record(action=Action.TRACEBACK_CREATED, by=by, obj=traceback, changes=_created_changes(
            campaign, checked_recording, checked_transcript))  # fmt: skip
        hop_open(
            traceback=traceback, provider=terminating_provider, role=Hop.Role.TERMINATING, now=now, by=by
        )
    return traceback


def _check_call(
    call_at: datetime, call_tz: str, source: str, terminating: Provider, now: datetime
) -> datetime:
    """The sample call's facts, checked before any file is stored; returns the call time made aware."""
    _check_zone(call_tz)
    if timezone.is_naive(call_at):
        call_at = timezone.make_aware(call_at, ZoneInfo(call_tz))
    if call_at > now:
        raise ValidationError({"call_at": "The call time is in the future."})
    if source not in Traceback.Source.values:
        raise ValidationError({"source": "Choose where the sample call came from."})
    if terminating.is_foreign:
        raise ValidationError({"terminating_provider": "The terminating provider must be a US provider."})
    return call_at


def _created_changes(campaign: Campaign, *checked: CheckedFile | None) -> dict:
    """The audit row keeps each file's original name and SHA-256 (the storage key is generated)."""
    files = [f"{c.original_name} sha256:{c.sha256}" for c in checked if c]
    return {"campaign": [None, campaign.name], **({"files": [None, files]} if files else {})}


def traceback_end(
    *, traceback: Traceback, status: str, now: datetime, by: User | None = None, actor_email: str = "",
    originating: Provider | None = None, gateway: Provider | None = None, note: str = "",
) -> Traceback:  # fmt: skip
    """The one writer of a traceback's status (compare-and-set on the status read)."""
    old = traceback.status
    ended_at = None if status == Traceback.Status.OPEN else now
    fields = {"status": status, "ended_at": ended_at}
    if originating is not None:
        fields["originating_provider"] = originating
    if gateway is not None:
        fields["gateway_provider"] = gateway
    if note:
        fields["close_note"] = note
    if not Traceback.objects.filter(pk=traceback.pk, status=old).update(**fields):
        raise StaleState("The traceback changed a moment ago; reload it and try again.")
    for name, value in fields.items():
        setattr(traceback, name, value)
    action = Action.TRACEBACK_CLOSED if status == Traceback.Status.CLOSED else Action.TRACEBACK_ENDED
    record(
        action=action,
        by=by,
        obj=traceback,
        actor_email=actor_email,
        changes={"status": [old, status]},
        reason=note,
    )
    return traceback


@transaction.atomic
def traceback_close(*, by: User, traceback: Traceback, note: str, now: datetime | None = None) -> Traceback:
    """ITG staff end a traceback by hand (e.g. enough evidence, or a duplicate); the reason is kept."""
    require_itg(by, "close tracebacks")
    traceback = Traceback.objects.select_for_update().get(pk=traceback.pk)
    if traceback.status not in workflow.CLOSABLE:
        raise ValidationError(f"A traceback that is {traceback.get_status_display()} cannot be closed.")
    if not note.strip():
        raise ValidationError({"note": "Say why the traceback is closed."})
    return traceback_end(
        traceback=traceback,
        status=Traceback.Status.CLOSED,
        now=now or timezone.now(),
        by=by,
        note=note.strip(),
    )
