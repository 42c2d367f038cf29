"""Writes of the call store: import jobs, CDR mappings, signing certificates, tracebacks from calls."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import is_time_zone
from itg.tasks import enqueue_on_commit
from itg.uploads import CSV, GZIP, ZIP, CheckedFile, stored_files
from providers.models import Provider

from .models import CdrMapping, ImportJob
from .reading import FileRefused, open_data
from .sources import CDR_FIELDS, CDR_REQUIRED_FIELDS, DECLARATIONS


def require_itg(by, what: str) -> None:
    if by is not None and not (by.is_authenticated and by.is_itg_staff):
        raise PermissionDenied(f"Only ITG staff {what}.")


def _preflight(decl, job: ImportJob, handle) -> None:
    """Refuse at once a file that is not the claimed format: open it, sniff it, read its header."""
    from .pipeline import items

    try:
        opened = open_data(handle, allow_extra_members=decl.extra_members)
        job.options = {**job.options, "_archive": opened.archive}
        stream = items(decl, job, opened)
        next(iter(stream), None)
    except FileRefused as error:
        raise ValidationError({"file": str(error)}) from None
    finally:
        job.options.pop("_archive", None)
        handle.seek(0)


def _zone(time_zone: str) -> str:
    """The import's zone for times written without an offset, refused at once when it names none (every
    such row of the file would otherwise fail on it: a CDR's crashed the import)."""
    zone = (time_zone or "").strip() or "UTC"
    if not is_time_zone(zone):
        raise ValidationError({"time_zone": f"{zone!r} is not a time zone; use e.g. America/Chicago or UTC."})
    return zone


def _options(decl, provider: Provider | None, mapping: dict | None, time_zone: str) -> dict:
    if decl.slug == "cdr":
        if provider is None:
            raise ValidationError({"provider": "Choose the provider whose call detail records these are."})
        mapping = {k: v for k, v in (mapping or {}).items() if k in CDR_FIELDS and v}
        missing = [f for f in CDR_REQUIRED_FIELDS if f not in mapping]
        if missing:
            raise ValidationError({"mapping": f"Choose the file's column for: {', '.join(missing)}."})
        return {"mapping": mapping, "time_zone": _zone(time_zone), "provider_id": provider.pk}
    if decl.slug == "transcripts":
        return {"time_zone": _zone(time_zone)}
    return {}


def _head_type(head: bytes) -> str:
    return GZIP if head[:2] == b"\x1f\x8b" else ZIP if head[:4] == b"PK\x03\x04" else CSV


def import_job_create(
    *, by, source: str, upload=None, path: str | None = None, provider: Provider | None = None,
    mapping: dict | None = None, time_zone: str = "", enqueue: bool = True, save_mapping: bool = False,
) -> ImportJob:  # fmt: skip
    """Check the file (size, format, header) and queue its import; a bad file leaves nothing behind.

    `upload` (a page or the API) is stored through itg.uploads under a generated key; `path` (the command)
    is read where it lies, so a file of any size is streamed and never copied."""
    require_itg(by, "import call data")
    decl = DECLARATIONS.get(source)
    if decl is None:
        raise ValidationError({"source": f"Unknown source {source!r}; one of {', '.join(DECLARATIONS)}."})
    job = ImportJob(source=decl.source, provider=provider, created_by=by,
                    options=_options(decl, provider, mapping, time_zone))  # fmt: skip
    if decl.slug == "cdr" and save_mapping:
        cdr_mapping_save(
            by=by, provider=provider, mapping=job.options["mapping"], time_zone=job.options["time_zone"]
        )
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ValidationError({"file": f"{path}: no such file."})
        job.size, job.original_name = file.stat().st_size, file.name
        job.options["path"] = str(file.resolve())
        with file.open("rb") as handle:
            _preflight(decl, job, handle)
            handle.seek(0)
            # The file's digest: an import of the same bytes again is known without reading them.
            job.sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
        return _save_job(job, decl, None, by, enqueue)
    name = (getattr(upload, "name", "") or "upload").rsplit("/", 1)[-1][:255]
    if not upload or not upload.size:
        raise ValidationError({"file": f"{name}: the file is empty; there is nothing to import."})
    if upload.size > settings.CALL_IMPORT_MAX_MB * 1024 * 1024:
        raise ValidationError({"file": f"{name}: the file is {upload.size / 1048576:.0f} MB; the limit for an "
                               f"upload is {settings.CALL_IMPORT_MAX_MB} MB. Compress it (gzip) or split it."})  # fmt: skip
    digest = hashlib.sha256()
    for block in upload.chunks():
        digest.update(block)
    upload.seek(0)
    _preflight(decl, job, upload)
    job.size, job.original_name, job.sha256 = upload.size, name, digest.hexdigest()
    checked = CheckedFile(name, upload.size, _head_type(upload.read(4)), job.sha256, upload)
    upload.seek(0)
    return _save_job(job, decl, checked, by, enqueue)


def _save_job(job: ImportJob, decl, checked: CheckedFile | None, by, enqueue: bool) -> ImportJob:
    from .tasks import import_calls

    with stored_files() as files, transaction.atomic():
        if checked is not None:
            job.file_key = files.save("calls/imports", checked)
        job.save()
        record(action=Action.CALL_IMPORT_STARTED, by=by, obj=job, actor_email="" if by else "manage.py",
               changes={"source": [None, decl.slug], "file": [None, f"{job.original_name} ({job.size} bytes)"]})  # fmt: skip
        if enqueue:
            enqueue_on_commit(import_calls, job.pk)
    return job


def import_job_finished(job: ImportJob) -> None:
    """The audit row of a job's end (called by the pipeline once, when the job leaves RUNNING)."""
    action = (
        Action.CALL_IMPORT_FINISHED if job.status == ImportJob.Status.DONE else Action.CALL_IMPORT_REFUSED
    )
    record(action=action, by=job.created_by, obj=job, actor_email="" if job.created_by_id else "manage.py",
           reason=job.error[:500], changes={"created": [None, job.created], "duplicates": [None, job.duplicates],
                                            "rejected": [None, job.rejected]})  # fmt: skip
    if job.status == ImportJob.Status.DONE and job.created:
        # Campaign detection (issue 10): the new records join confirmed campaigns, the trend rollups of
        # their days are refreshed.
        from tracebacks.detection.tasks import assign_imported_job

        enqueue_on_commit(assign_imported_job, job.pk)


@transaction.atomic
def cdr_mapping_save(*, by, provider: Provider, mapping: dict, time_zone: str) -> CdrMapping:
    """Remember the provider's CDR columns, so its next file needs no choosing."""
    require_itg(by, "save CDR mappings")
    saved, _ = CdrMapping.objects.update_or_create(
        provider=provider, defaults={"mapping": mapping, "time_zone": time_zone or "UTC",
                                     "updated_by": by, "updated_at": timezone.now()},
    )  # fmt: skip
    record(action=Action.CALL_CDR_MAPPING_SAVED, by=by, obj=saved, changes={"mapping": [None, mapping]})
    return saved


def saved_mapping(provider: Provider | None) -> dict:
    mapping = CdrMapping.objects.filter(provider=provider).first() if provider else None
    return dict(mapping.mapping) if mapping else {}


def job_progress(job: ImportJob) -> dict:
    """What the job page shows and polls: counts, share done, rate and time left."""
    now = timezone.now()
    elapsed = ((job.finished_at or now) - job.started_at).total_seconds() if job.started_at else 0.0
    # The reader reads ahead (up to 1 MB), so the bytes read reach the file's size before the last chunks
    # are written and the job finished: only a finished job shows 100%.
    share = (
        1.0
        if job.status == ImportJob.Status.DONE
        else (min(job.bytes_done / job.size, 0.99) if job.size else 0.0)
    )
    rate = job.rows_read / elapsed if elapsed > 0 else 0.0
    left = (elapsed / share - elapsed) if 0 < share < 1 else 0.0
    return {
        "id": job.pk, "status": job.status, "status_label": job.get_status_display(), "finished": job.is_finished,
        "rows_read": job.rows_read, "created": job.created, "duplicates": job.duplicates, "rejected": job.rejected,
        "percent": round(share * 100), "rate": round(rate), "seconds_left": round(left), "error": job.error,
    }  # fmt: skip


_TRACEBACK_SOURCE = {"ftc_dnc": "complaint", "fcc_complaint": "complaint", "honeypot": "honeypot",
                     "cdr": "carrier", "shaken": "carrier", "traceback": "analytics", "other": "analytics"}  # fmt: skip


def traceback_start_from_call(*, by, call, campaign, called_number: str, terminating_provider):
    """Start a traceback whose sample call is this record, through the one traceback service."""
    from tracebacks.services import traceback_create

    require_itg(by, "start tracebacks")
    if by is None:
        raise PermissionDenied("Only ITG staff start tracebacks.")
    return traceback_create(
        by=by, campaign=campaign, call_at=call.call_at, call_tz=call.call_tz or "UTC",
        calling_number=call.calling_number, called_number=called_number or call.called_number,
        source=_TRACEBACK_SOURCE.get(call.source, "analytics"), terminating_provider=terminating_provider,
        transcript=call.transcript, source_detail=_sample_detail(call),
    )  # fmt: skip


def _sample_detail(call) -> str:
    """Where the sample came from, in words: the source's own record id where it has one, and the
    portal's call record (the FTC gives no id, so the portal's number must not read as the FTC's)."""
    own = f" {call.source_record_id}" if call.source_record_id else ""
    return f"{call.get_source_display()}{own}, call record {call.pk} of the ITG call data"


@transaction.atomic
def signing_certificate_add(*, by, name: str, pem: bytes | str, x5u: str = ""):
    """Trust a STIR/SHAKEN signing certificate for verifying PASSporTs (uploaded: never fetched)."""
    from .models import SigningCertificate
    from .shaken import certificate_fields

    require_itg(by, "add signing certificates")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the certificate (e.g. the carrier that signs with it)."})
    try:
        fields = certificate_fields(pem)
    except ValueError as error:
        raise ValidationError({"pem": str(error)}) from None
    if SigningCertificate.objects.filter(fingerprint=fields["fingerprint"]).exists():
        raise ValidationError({"pem": "This certificate is already on file."})
    cert = SigningCertificate.objects.create(name=name, x5u=x5u.strip(), uploaded_by=by, **fields)
    record(
        action=Action.CALL_CERTIFICATE_ADDED,
        by=by,
        obj=cert,
        changes={"fingerprint": [None, cert.fingerprint]},
    )
    return cert


@transaction.atomic
def signing_certificate_remove(*, by, certificate) -> None:
    """Stop trusting a certificate: later imports no longer verify tokens against it. Records already
    imported keep the result they were given (the audit trail says when the certificate was on file)."""
    require_itg(by, "remove signing certificates")
    record(
        action=Action.CALL_CERTIFICATE_REMOVED,
        by=by,
        obj=certificate,
        changes={"fingerprint": [certificate.fingerprint, None], "name": [certificate.name, None]},
    )
    certificate.delete()
