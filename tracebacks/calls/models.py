"""The call store: every robocall the ITG hears of, from every source, one row per observation.

One row is one source's report of one call (an FTC complaint, an FCC complaint, a honeypot answer, a
provider's CDR line, a signed PASSporT, a traceback's sample call). The same call seen by several sources is
several rows sharing one `call_group` (the id of the group's earliest row), so counts can be taken per
observation or per distinct call.

On PostgreSQL `calls_callrecord` is declaratively partitioned by month of `call_at` (see the 0001
migration and `partitions.py`); its primary key there is (id, call_at), because a partitioned table's keys
must hold the partition key, while Django sees `id` as the primary key. Nothing may hold a database foreign
key to a call row: refer to it by a plain id or a ForeignKey with `db_constraint=False`. For the same reason
the call table's own foreign keys carry no database constraint (per-row constraint triggers would also cost
the bulk COPY path dearly); the services write only ids that exist, and the referenced rows are protected.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from providers.models import Provider
from tracebacks.models import Campaign


class Source(models.TextChoices):
    FTC_DNC = "ftc_dnc", "FTC Do Not Call"
    FCC_COMPLAINT = "fcc_complaint", "FCC complaint"
    HONEYPOT = "honeypot", "Honeypot or recording"
    CDR = "cdr", "Provider call detail record"
    SHAKEN = "shaken", "STIR/SHAKEN PASSporT"
    TRACEBACK = "traceback", "Traceback sample"
    OTHER = "other", "Other"


class Verification(models.TextChoices):
    NONE = "", "No PASSporT"
    VALID = "valid", "Valid signature"
    INVALID = "invalid", "Invalid (bad signature or tampered)"
    UNVERIFIED = "unverified", "Unverified (certificate not on file)"


class ImportJob(models.Model):
    """One file being read into the store; its counters and cursor are updated chunk by chunk."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"
        REFUSED = "refused", "Refused (not the expected format)"

    source = models.CharField(max_length=16, choices=Source.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file_key = models.CharField(max_length=300, blank=True, help_text="Storage key of the uploaded file.")
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(default=0)
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    options = models.JSONField(default=dict, blank=True, help_text="e.g. the CDR column mapping used.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress. `chunks_done`/`lines_done` are the cursor: written in the same transaction as the chunk's
    # rows, so a restarted run skips exactly what was committed.
    chunks_done = models.PositiveIntegerField(default=0)
    # Data rows a chunk, fixed when the job first starts (CALL_IMPORT_CHUNK_ROWS then): `chunks_done` counts
    # chunks of this size, so a resumed run cuts the file the same way whatever the setting is now.
    chunk_rows = models.PositiveIntegerField(null=True, blank=True)
    lines_done = models.PositiveBigIntegerField(default=0)
    bytes_done = models.PositiveBigIntegerField(default=0)
    rows_read = models.PositiveBigIntegerField(default=0)
    created = models.PositiveBigIntegerField(default=0)
    duplicates = models.PositiveBigIntegerField(default=0)
    rejected = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_source_display()}, {self.original_name})"

    def get_absolute_url(self) -> str:
        return reverse("calls:job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.REFUSED}


class CallRecord(models.Model):
    source = models.CharField(max_length=16, choices=Source.choices)
    source_record_id = models.CharField(max_length=100, blank=True, help_text="The source's own id.")
    job = models.ForeignKey(
        ImportJob, null=True, blank=True, on_delete=models.PROTECT, db_constraint=False, related_name="+"
    )
    call_at = models.DateTimeField(help_text="UTC; midnight in `call_tz` when the source gives only a date.")
    call_tz = models.CharField(max_length=64, default="America/New_York", help_text="The source's zone.")
    date_only = models.BooleanField(default=False)
    calling_number = models.CharField(max_length=20, help_text="E.164; often spoofed.")
    calling_number_raw = models.CharField(max_length=40, blank=True, help_text="As the source wrote it.")
    called_number = models.CharField(max_length=20, blank=True)
    called_number_raw = models.CharField(max_length=40, blank=True)
    consumer_city = models.CharField(max_length=100, blank=True)
    consumer_state = models.CharField(max_length=2, blank=True)
    consumer_zip = models.CharField(max_length=10, blank=True)
    consumer_area_code = models.CharField(max_length=3, blank=True)
    called_state = models.CharField(
        max_length=2, blank=True, help_text="From the source, else from the called number's area code."
    )
    subject = models.CharField(max_length=200, blank=True, help_text="Subject or issue category.")
    robocall = models.BooleanField(null=True, blank=True)
    transcript = models.TextField(blank=True)
    recording = models.FileField(upload_to="calls/recordings/%Y/%m/", max_length=300, blank=True)
    # STIR/SHAKEN (RFC 8225, 8588): the token is always kept, whatever its verification gave.
    passport = models.TextField(blank=True)
    attest = models.CharField(max_length=1, blank=True)
    orig_tn = models.CharField(max_length=20, blank=True)
    dest_tn = models.CharField(max_length=200, blank=True, help_text="dest.tn[] joined by commas.")
    iat = models.BigIntegerField(null=True, blank=True)
    origid = models.CharField(max_length=64, blank=True)
    x5u = models.CharField(max_length=500, blank=True)
    verification = models.CharField(max_length=10, choices=Verification.choices, blank=True)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, db_constraint=False, related_name="+",
        help_text="The provider whose records these are (CDR).",
    )  # fmt: skip
    from_provider = models.CharField(max_length=200, blank=True, help_text="CDR: the provider it came from.")
    to_provider = models.CharField(max_length=200, blank=True, help_text="CDR: the provider it went to.")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, db_constraint=False, related_name="calls"
    )
    call_group = models.BigIntegerField(
        null=True, blank=True, help_text="Id of the earliest observation of the same call (item 5)."
    )
    dedupe_key = models.CharField(
        max_length=40, help_text="Hash of source + record id, or of every field for sources without ids."
    )
    ingested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-call_at", "-id"]
        constraints = [
            # The partition key has to be in every unique index of a partitioned table; a redelivered
            # record carries the same call time, so this still catches every duplicate.
            models.UniqueConstraint(fields=["dedupe_key", "call_at"], name="calls_dedupe_uniq"),
        ]
        # Each index costs every imported row a probe and a page write, so each is here for a query:
        # calling number + time (search by number, the dedupe of observations, a call's page), called number
        # + time (search; partial: FTC and FCC complaints, the bulk, carry none), state + time and source +
        # time (the search filters), campaign + time (a campaign's calls; partial: rows arrive unassigned),
        # job (a job's rows: campaign assignment after an import, a refused job's rollback; ids only grow,
        # so it appends at its right edge). No index on call_group: a call's observations share its calling
        # number, so they are found through the calling-number index (selectors.observations_of).
        indexes = [
            models.Index(fields=["calling_number", "call_at"], name="calls_calling_idx"),
            models.Index(
                fields=["called_number", "call_at"],
                name="calls_called_idx",
                condition=~models.Q(called_number=""),
            ),
            models.Index(fields=["called_state", "call_at"], name="calls_state_idx"),
            models.Index(
                fields=["campaign", "call_at"],
                name="calls_campaign_idx",
                condition=models.Q(campaign__isnull=False),
            ),
            models.Index(fields=["source", "call_at"], name="calls_source_idx"),
            models.Index(fields=["job"], name="calls_job_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} call from {self.calling_number} at {self.call_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("calls:call", args=[self.pk])


class ImportReject(models.Model):
    """A row the importer refused: its line, why, and the row as it was (downloadable as CSV)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejects")
    line = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=300)
    raw = models.TextField()

    class Meta:
        ordering = ["job", "line"]
        constraints = [models.UniqueConstraint(fields=["job", "line"], name="calls_reject_line_uniq")]

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}"


class CdrMapping(models.Model):
    """The column mapping of one provider's CDR export, chosen once on the import page and reused."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="cdr_mapping")
    mapping = models.JSONField(help_text="field -> column name in the provider's CSV.")
    time_zone = models.CharField(max_length=64, default="UTC")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"CDR mapping of {self.provider}"


class SigningCertificate(models.Model):
    """A STIR/SHAKEN signing certificate ITG staff uploaded; PASSporTs verify only against these."""

    name = models.CharField(max_length=200)
    pem = models.TextField()
    fingerprint = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the DER certificate.")
    subject = models.CharField(max_length=500, blank=True)
    x5u = models.CharField(max_length=500, blank=True, help_text="The URL tokens name for it, if known.")
    not_before = models.DateTimeField(null=True, blank=True)
    not_after = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
