"""Legal demands (subpoenas and civil investigative demands) from attorneys general, as the ITG receives them.

A demand belongs to a case (the unit of tenancy, `cases.access`); its numbered requests carry a
structured scope; its documents are stored under generated keys with their SHA-256; its deadline is
computed in `subpoenas.deadlines` and every change to it is a `DeadlineEvent`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from itg.accounts.models import Office
from itg.calendar import jurisdiction_choices


class LegalDemand(models.Model):
    class Kind(models.TextChoices):
        SUBPOENA = "subpoena", "Subpoena"
        CID = "cid", "Civil investigative demand"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        IN_REVIEW = "in_review", "In review"
        IN_PROGRESS = "in_progress", "In progress"
        AWAITING_REQUESTER = "awaiting_requester", "Awaiting requester"
        RESPONSE_READY = "response_ready", "Response ready"
        RESPONSE_SIGNED = "response_signed", "Response signed"
        DELIVERED = "delivered", "Delivered"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"
        DISPUTED = "disputed", "Disputed (petition to compel)"

    class Confidentiality(models.TextChoices):
        STANDARD = "standard", "Standard"
        CONFIDENTIAL = "confidential", "Confidential (do not disclose the demand's existence)"
        SEALED = "sealed", "Under seal"

    class DayKind(models.TextChoices):
        CALENDAR = "calendar", "calendar days"
        BUSINESS = "business", "business days"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="demands")
    issuing_office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="demands")
    state = models.CharField(max_length=2, choices=jurisdiction_choices(), help_text="The issuing state.")
    tracking_number = models.CharField(max_length=20, unique=True)
    caption = models.CharField(max_length=500)
    issuing_authority = models.CharField(max_length=300)
    statute = models.CharField(max_length=300, blank=True, help_text="The statute the demand cites.")
    date_issued = models.DateField()
    date_served = models.DateField()
    return_date = models.DateField(null=True, blank=True)
    response_days = models.PositiveSmallIntegerField(null=True, blank=True)
    response_day_kind = models.CharField(max_length=8, choices=DayKind.choices, blank=True)
    confidentiality = models.CharField(max_length=12, choices=Confidentiality.choices, default="standard")
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=20, blank=True, help_text="E.164.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField()
    due_at = models.DateTimeField(help_text="End of the due date in the issuing state's zone, in UTC.")
    due_explanation = models.TextField()
    paused_since = models.DateTimeField(
        null=True, blank=True, help_text="Clock stopped awaiting the requester."
    )
    search_text = models.TextField(blank=True, help_text="Caption, phone numbers, providers, campaigns.")
    receipt_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the receipt e-mail went out."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            # The ITG queue: open demands by due time, optionally by status.
            models.Index(fields=["due_at", "id"], name="demand_due_idx"),
            models.Index(fields=["status", "due_at"], name="demand_status_due_idx"),
            # An AG office's list: its state's demands, soonest due first.
            models.Index(fields=["state", "due_at"], name="demand_state_due_idx"),
            models.Index(fields=["case", "due_at"], name="demand_case_due_idx"),
            models.Index(fields=["state", "caption", "date_issued"], name="demand_duplicate_idx"),
            # Overdue and due-this-week counts read only open demands: a small partial index, covering on
            # PostgreSQL, so the counts never touch the years of closed demands.
            models.Index(
                fields=["due_at"],
                include=["paused_since"],
                name="demand_open_due_idx",
                condition=Q(
                    status__in=[
                        "received",
                        "in_review",
                        "in_progress",
                        "awaiting_requester",
                        "response_ready",
                        "response_signed",
                        "disputed",
                    ]
                ),
            ),  # fmt: skip
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(return_date__isnull=False) | Q(response_days__isnull=False),
                name="demand_has_return_date_or_period",
            ),
            models.CheckConstraint(
                condition=Q(date_served__gte=models.F("date_issued")), name="demand_served_after_issued"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.caption}"

    def get_absolute_url(self) -> str:
        return reverse("subpoenas:detail", args=[self.pk])

    @property
    def audit_state(self) -> str:
        return self.state

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.paused_since is None and self.due_at < timezone.now()

    @property
    def is_confidential(self) -> bool:
        return self.confidentiality in (self.Confidentiality.CONFIDENTIAL, self.Confidentiality.SEALED)

    @property
    def notice_caption(self) -> str:
        """The caption as e-mail subjects and bodies, notices and the calendar feed may carry it.

        A confidential demand must not disclose its existence beyond the portal, and a sealed one is under
        a court's order: an e-mail is copied to servers and phones, a calendar feed to third-party calendar
        services. Those carry the tracking number only; the caption stays behind the login."""
        if self.confidentiality == self.Confidentiality.SEALED:
            return "Caption withheld: the demand is under seal"
        if self.confidentiality == self.Confidentiality.CONFIDENTIAL:
            return "Caption withheld: confidential demand"
        return self.caption


OPEN_STATUSES = frozenset(
    {
        LegalDemand.Status.RECEIVED,
        LegalDemand.Status.IN_REVIEW,
        LegalDemand.Status.IN_PROGRESS,
        LegalDemand.Status.AWAITING_REQUESTER,
        LegalDemand.Status.RESPONSE_READY,
        LegalDemand.Status.RESPONSE_SIGNED,
        LegalDemand.Status.DISPUTED,
    }
)


class TrackingCounter(models.Model):
    """The last tracking sequence used per (state, year): locked row, so numbers are unique and gapless."""

    state = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["state", "year"], name="tracking_counter_state_year")]

    def __str__(self) -> str:
        return f"{self.state}-{self.year}: {self.last}"


class DemandRequest(models.Model):
    """One numbered request (specification) of a demand, with its structured scope."""

    demand = models.ForeignKey(LegalDemand, on_delete=models.CASCADE, related_name="requests")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    # Numbers as the request states them: on either side of the call, only as the caller ID, or only as the
    # number dialed. The scope query reads each list against its own column (subpoenas/responses/evidence.py).
    phone_numbers = models.JSONField(default=list, blank=True, help_text="E.164 numbers, calling or called.")
    calling_numbers = models.JSONField(
        default=list, blank=True, help_text="E.164 numbers, as the calling number."
    )
    called_numbers = models.JSONField(
        default=list, blank=True, help_text="E.164 numbers, as the called number."
    )
    terminating_states = models.JSONField(
        default=list,
        blank=True,
        help_text="State codes: calls terminating there (the called number's state).",
    )
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    providers = models.JSONField(
        default=list, blank=True, help_text="Names, FRNs or RMD numbers, as written."
    )
    campaigns = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["demand", "number"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "number"], name="demand_request_number_unique"),
            models.CheckConstraint(
                condition=Q(date_from__isnull=True)
                | Q(date_to__isnull=True)
                | Q(date_to__gte=models.F("date_from")),
                name="demand_request_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.number}"


class DemandDocument(models.Model):
    class Role(models.TextChoices):
        DEMAND = "demand", "Demand document"
        ATTACHMENT = "attachment", "Attachment"
        EXTENSION_LETTER = "extension_letter", "Extension letter"

    demand = models.ForeignKey(LegalDemand, on_delete=models.CASCADE, related_name="documents")
    role = models.CharField(max_length=20, choices=Role.choices)
    storage_key = models.CharField(max_length=300, unique=True)
    original_name = models.CharField(max_length=255, help_text="As uploaded; data only, never a path.")
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120, help_text="Decided from the bytes.")
    sha256 = models.CharField(max_length=64, db_index=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    pdf_flags = models.JSONField(default=list, blank=True, help_text="'javascript', 'launch'.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["demand", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand"], condition=Q(role="demand"), name="one_demand_document_per_demand"
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def viewable_inline(self) -> bool:
        """Inline only for types a browser renders safely; flagged PDFs are downloaded, never rendered."""
        return self.content_type in ("application/pdf", "image/png", "image/jpeg") and not self.pdf_flags


class DeadlineEvent(models.Model):
    """A first-class change to a demand's deadline, kept as history and replayed by `deadlines`."""

    class Kind(models.TextChoices):
        SET = "set", "Due date set"
        EXTENSION_ASKED = "extension_asked", "Extension asked"
        EXTENSION_GRANTED = "extension_granted", "Extension granted"
        EXTENSION_REFUSED = "extension_refused", "Extension refused"
        PAUSED = "paused", "Clock paused"
        RESUMED = "resumed", "Clock resumed"
        RECOMPUTED = "recomputed", "Recomputed (calendar changed)"

    demand = models.ForeignKey(LegalDemand, on_delete=models.CASCADE, related_name="deadline_events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_date = models.DateField(null=True, blank=True, help_text="Asked or granted new return date.")
    letter = models.ForeignKey(
        DemandDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered = models.BooleanField(
        default=False, help_text="An extension request that was granted or refused."
    )
    due_date_before = models.DateField(null=True, blank=True)
    due_date_after = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["demand", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class DemandEvent(models.Model):
    """The demand's timeline of status changes, as the demand page shows it (the audit trail has all)."""

    demand = models.ForeignKey(LegalDemand, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["demand", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


class IdempotencyKey(models.Model):
    """An API POST's Idempotency-Key: a retried POST returns the first response instead of a second demand."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key")]

    def __str__(self) -> str:
        return f"Idempotency-Key {self.key}"


class ReminderSent(models.Model):
    """One reminder or escalation per (demand, threshold, due date): never sent twice."""

    OVERDUE = 0

    demand = models.ForeignKey(LegalDemand, on_delete=models.CASCADE, related_name="reminders")
    threshold = models.PositiveSmallIntegerField(help_text="Business days before the due date; 0 = overdue.")
    due_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "threshold", "due_date"], name="reminder_once_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder {self.threshold} for demand {self.demand_id}"


class CalendarFeed(models.Model):
    """A user's secret ICS feed of due dates. Only the token's SHA-256 is stored; revoking deletes the row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demand_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"


class IntakeDraft(models.Model):
    """Step one of intake: the checked, stored files awaiting the user's review of the prefilled form."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    prefill = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"Intake upload {self.pk}"


class DraftFile(models.Model):
    draft = models.ForeignKey(IntakeDraft, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=20, choices=DemandDocument.Role.choices)
    storage_key = models.CharField(max_length=300, unique=True)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    pdf_flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["draft", "pk"]

    def __str__(self) -> str:
        return self.original_name
