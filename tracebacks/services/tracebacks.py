"""Campaigns and the life of a traceback: start (hop 1 at the terminating provider), end, close."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from itg.accounts.models import User
from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import hop_due_at
from providers.models import Provider
from tracebacks import workflow
from tracebacks.models import Campaign, Hop, Traceback
from tracebacks.phones import to_e164


class StaleState(ValidationError):
    """Someone else changed the row a moment ago."""


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

    transaction.on_commit(partial(notify_hop.delay, hop.pk, provider.pk))
    return hop


RECORDING_TYPES = (".wav", ".mp3", ".m4a", ".ogg", ".oga", ".flac")
TRANSCRIPT_TYPES = (".txt", ".pdf", ".vtt", ".srt")


def check_upload(upload: UploadedFile | None, field: str, suffixes: tuple[str, ...]) -> None:
    """Refuse a file of the wrong kind or over the site's size limit before anything is saved."""
    if upload is None:
        return
    if not upload.name.lower().endswith(suffixes):
        raise ValidationError({field: f"Upload a {', '.join(suffixes)} file."})
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError({field: f"The file is over {settings.UPLOAD_MAX_BYTES // 2**20} MB."})


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            {"call_tz": f"{name!r} is not a time zone; use e.g. America/New_York."}
        ) from None


@transaction.atomic
def traceback_create(
    *, by: User, campaign: Campaign, call_at: datetime, call_tz: str, calling_number: str, called_number: str,
    source: str, terminating_provider: Provider, transcript: str = "", source_detail: str = "",
    recording: UploadedFile | None = None, transcript_file: UploadedFile | None = None,
    now: datetime | None = None,
) -> Traceback:  # fmt: skip
    """Start a traceback from a sample call: hop 1 is asked of the terminating provider at once."""
    require_itg(by, "start tracebacks")
    _check_zone(call_tz)
    if timezone.is_naive(call_at):
        call_at = timezone.make_aware(call_at, ZoneInfo(call_tz))
    now = now or timezone.now()
    if call_at > now:
        raise ValidationError({"call_at": "The call time is in the future."})
    if source not in Traceback.Source.values:
        raise ValidationError({"source": "Choose where the sample call came from."})
    check_upload(recording, "recording", RECORDING_TYPES)
    check_upload(transcript_file, "transcript_file", TRANSCRIPT_TYPES)
    if terminating_provider.is_foreign:
        raise ValidationError({"terminating_provider": "The terminating provider must be a US provider."})
    traceback = Traceback.objects.create(
        campaign=campaign, call_at=call_at, call_tz=call_tz, source=source, source_detail=source_detail,
        calling_number=to_e164(calling_number, field="calling_number"),
        called_number=to_e164(called_number, field="called_number"), transcript=transcript.strip(),
        recording=recording or "", transcript_file=transcript_file or "", created_by=by, created_at=now,
    )  # fmt: skip
    record(action=Action.TRACEBACK_CREATED, by=by, obj=traceback, changes={"campaign": [None, campaign.name]})
    hop_open(traceback=traceback, provider=terminating_provider, role=Hop.Role.TERMINATING, now=now, by=by)
    return traceback


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
