"""Writes to the provider registry: provisional providers, contact details, API tokens, RMD imports."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from itg.accounts.models import User
from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from itg.calendar import is_time_zone
from itg.tasks import enqueue_on_commit
from providers import rmd
from providers.models import Provider, ProviderToken, RmdImport

TOKEN_PREFIX = "itgp_"  # noqa: S105 - a public marker, not a secret


def _require_itg(by: User, what: str) -> None:
    if not (by and by.is_itg_staff):
        raise PermissionDenied(f"Only ITG staff {what}.")


def _check_zone(time_zone: str) -> None:
    if not is_time_zone(time_zone):
        raise ValidationError({"time_zone": f"{time_zone!r} is not a time zone; use e.g. America/Chicago."})


@transaction.atomic
def provider_add_provisional(
    *, by: User, business_name: str, traceback_email: str = "", frn: str = "", country: str = "",
    is_foreign: bool = False, time_zone: str = "America/New_York",
) -> Provider:  # fmt: skip
    """A provider named in a traceback but not found in the RMD: the chain must go on while the ITG checks."""
    _require_itg(by, "add providers")
    name = business_name.strip()
    if not name:
        raise ValidationError({"business_name": "Give the provider's business name."})
    frn = frn.strip()
    if frn and not (frn.isdigit() and len(frn) <= 10):
        raise ValidationError({"frn": "An FRN is up to 10 digits."})
    if traceback_email:
        validate_email(traceback_email)
    _check_zone(time_zone)
    provider = Provider.objects.create(
        business_name=name, frn=frn.zfill(10) if frn else "", country=country.strip(), is_foreign=is_foreign,
        traceback_email=traceback_email.strip(), time_zone=time_zone, is_provisional=True, created_by=by,
    )  # fmt: skip
    record(action=Action.PROVIDER_ADDED, by=by, obj=provider, changes={"business_name": [None, name]})
    return provider


@transaction.atomic
def provider_update_contact(
    *, by: User, provider: Provider, traceback_email: str, time_zone: str
) -> Provider:
    """The ITG's own fields: where requests go and the zone the 24-hour clock runs in."""
    _require_itg(by, "change provider contacts")
    if traceback_email:
        try:
            validate_email(traceback_email)
        except ValidationError:
            raise ValidationError({"traceback_email": "Enter a valid e-mail address."}) from None
    _check_zone(time_zone)
    changes = {
        name: [getattr(provider, name), value]
        for name, value in (("traceback_email", traceback_email.strip()), ("time_zone", time_zone))
        if getattr(provider, name) != value
    }
    if changes:
        Provider.objects.filter(pk=provider.pk).update(
            **{k: v[1] for k, v in changes.items()}, updated_at=timezone.now()
        )
        for name, (_, value) in changes.items():
            setattr(provider, name, value)
        record(action=Action.PROVIDER_UPDATED, by=by, obj=provider, changes=changes)
    return provider


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def provider_token_create(*, by: User, provider: Provider) -> str:
    """A new API token for the provider, returned once; any earlier token stops working (one per provider)."""
    _require_itg(by, "issue provider tokens")
    Provider.objects.select_for_update().filter(pk=provider.pk).first()  # serialize concurrent issues
    now = timezone.now()
    revoked = ProviderToken.objects.filter(provider=provider, revoked_at__isnull=True).update(revoked_at=now)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ProviderToken.objects.create(
        provider=provider, key_hash=hash_token(token), prefix=token[len(TOKEN_PREFIX) :][:8], created_by=by
    )
    record(action=Action.PROVIDER_TOKEN_CREATED, by=by, obj=provider, changes={"replaced": revoked})
    return token


@transaction.atomic
def provider_token_revoke(*, by: User, provider: Provider) -> int:
    _require_itg(by, "revoke provider tokens")
    count = ProviderToken.objects.filter(provider=provider, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not count:
        raise ValidationError("This provider has no live API token.")
    record(action=Action.PROVIDER_TOKEN_REVOKED, by=by, obj=provider)
    return count


@transaction.atomic
def rmd_import_start(*, by: User, upload: UploadedFile) -> RmdImport:
    """Store the uploaded export through Django storage and queue the import once the row is committed."""
    if not (by and by.is_itg_admin):
        raise PermissionDenied("Only ITG administrators import the RMD.")
    if not upload.name.lower().endswith(".csv"):
        raise ValidationError({"file": "Upload the RMD export as a .csv file."})
    head = upload.read(4096)
    upload.seek(0)
    try:
        rmd.read_rows(rmd.decode(head.rsplit(b"\n", 1)[0] if b"\n" in head else head))
    except (rmd.ImportFileError, UnicodeError) as error:
        raise ValidationError({"file": str(error)}) from None
    job = RmdImport.objects.create(file=upload, original_name=upload.name[:255], uploaded_by=by)
    record(action=Action.RMD_IMPORT_STARTED, by=by, obj=job, changes={"file": [None, upload.name]})
    from providers.tasks import run_rmd_import

    enqueue_on_commit(run_rmd_import, job.pk)
    return job


def rmd_import_run(*, job_id: int) -> RmdImport:
    """Run a queued import; a second call on the same job does nothing (the task is safe to run twice)."""
    if not RmdImport.objects.filter(pk=job_id, status=RmdImport.Status.QUEUED).update(
        status=RmdImport.Status.RUNNING
    ):
        return RmdImport.objects.get(pk=job_id)
    job = RmdImport.objects.get(pk=job_id)

    def progress(done: int, total: int, report: rmd.ImportReport) -> None:
        RmdImport.objects.filter(pk=job_id).update(
            total=total, processed=done, created=report.created, updated=report.updated,
            unchanged=report.unchanged, rejected=report.rejected,
        )  # fmt: skip

    try:
        with job.file.open("rb") as handle:
            report = rmd.import_rmd(handle.read(), progress=progress)
    except Exception as error:
        RmdImport.objects.filter(pk=job_id).update(
            status=RmdImport.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        record(action=Action.RMD_IMPORTED, obj=job, outcome=Outcome.FAILED, reason=str(error))
        if isinstance(error, rmd.ImportFileError):
            return RmdImport.objects.get(pk=job_id)
        raise
    return _rmd_import_finish(job, report)


@transaction.atomic
def _rmd_import_finish(job: RmdImport, report: rmd.ImportReport) -> RmdImport:
    RmdImport.objects.filter(pk=job.pk).update(
        status=RmdImport.Status.DONE, total=report.total, processed=report.total, created=report.created,
        updated=report.updated, unchanged=report.unchanged, rejected=report.rejected,
        rejections=[vars(r) for r in report.rejections], finished_at=timezone.now(),
    )  # fmt: skip
    job.refresh_from_db()
    record(action=Action.RMD_IMPORTED, by=job.uploaded_by, obj=job, changes={"report": report.summary()})
    return job
