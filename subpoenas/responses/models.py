"""What the ITG issued and signed: the record that lets anyone check a PDF later.

An `IssuedDocument` is written once, in the same transaction that makes a response (or a receipt) signed;
it is never updated. Its SHA-256 is of the exact signed bytes delivered, so a file presented later (to a
court, by an AG, by opposing counsel) is either byte-identical to one row here or it is not an ITG original.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from subpoenas.models import DemandRequest, LegalDemand
from tracebacks.models import Traceback


class IssuedDocument(models.Model):
    class Kind(models.TextChoices):
        RESPONSE = "response", "Response to a legal demand"
        RECEIPT = "receipt", "Receipt of a legal demand"
        ALERT = "alert", "Alert packet to law enforcement"
        # Registered by their own apps (tracebacks.ecosystem: FindingReport, NoticeLetter), never as rows here:
        # verification shows such a match as an unsaved IssuedDocument of these kinds.
        FINDINGS = "findings", "Provider findings report"
        LETTER = "letter", "Notice letter to a provider"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # An alert packet (subpoenas.alerts) answers no demand: its row names the alert from the other side.
    demand = models.ForeignKey(
        LegalDemand, null=True, blank=True, on_delete=models.PROTECT, related_name="issued_documents"
    )
    title = models.CharField(
        max_length=300, help_text="How the document names itself, e.g. its tracking number."
    )
    version = models.PositiveSmallIntegerField(default=1)
    bates_prefix = models.CharField(max_length=60, blank=True)
    bates_first = models.PositiveIntegerField(null=True, blank=True)
    bates_last = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, unique=True, help_text="Of the signed bytes, as delivered.")
    size = models.PositiveBigIntegerField()
    storage_key = models.CharField(max_length=300, unique=True)
    signer_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    is_development = models.BooleanField(
        default=False, help_text="Signed with the development certificate: never evidence of anything."
    )

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            # One signed document per response version (and one receipt per demand), whatever retries or
            # duplicate task deliveries happen: the second insert fails and its file is discarded.
            models.UniqueConstraint(fields=["demand", "kind", "version"], name="issued_once_per_version"),
            models.CheckConstraint(
                condition=Q(bates_first__isnull=True, bates_last__isnull=True)
                | Q(bates_first__gte=1, bates_last__gte=F("bates_first")),
                name="issued_bates_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def audit_state(self) -> str:
        return self.demand.state if self.demand_id else ""

    @property
    def bates_range(self) -> str:
        """`ITG-TX-2026-00042-000001 – …000250`, or empty for a document without Bates numbers."""
        if self.bates_first is None:
            return ""
        return f"{self.bates_prefix}-{self.bates_first:06d} to {self.bates_prefix}-{self.bates_last:06d}"


class BatesCounter(models.Model):
    """The last Bates number used for a demand, across all its response versions.

    Locked (`select_for_update`) when a signed version is registered and advanced in the same transaction,
    so numbers are gapless within a version and never reused by a later one (a correction continues the
    range where the previous version stopped).
    """

    demand = models.OneToOneField(LegalDemand, on_delete=models.CASCADE, primary_key=True, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Bates counter of demand {self.demand_id}: {self.last}"


class RequestAnswer(models.Model):
    """The ITG's answer to one numbered request: what Part I of the response says for it."""

    class Kind(models.TextChoices):
        PRODUCED = "produced", "Responsive records produced"
        NONE = "none", "No responsive records"
        OBJECTION = "objection", "Objection"

    request = models.OneToOneField(DemandRequest, on_delete=models.CASCADE, related_name="answer")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    objection = models.TextField(blank=True, help_text="The objection's text, as the response states it.")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="objection") | ~Q(objection=""), name="objection_has_text"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class EvidenceQuery(models.Model):
    """A proposal of responsive tracebacks: the criteria run, in words and as data, and what they found.

    Kept so that the production can be explained later (why these records and not others) and re-run
    against today's data to see what changed.
    """

    class Kind(models.TextChoices):
        SCOPE = "scope", "The request's structured scope"
        FINDINGS_UNANSWERED = "findings_unanswered", "Findings: providers that did not answer within 24 hours"
        PROVIDER_HISTORY = "provider_history", "Findings: a provider's traceback history"

    request = models.ForeignKey(DemandRequest, on_delete=models.CASCADE, related_name="evidence_queries")
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.SCOPE)
    criteria = models.JSONField(
        help_text="The structured scope as resolved: numbers, window, provider and campaign ids."
    )
    description = models.TextField()
    result_ids = models.JSONField(default=list)
    result_count = models.PositiveIntegerField(default=0)
    result_rows = models.JSONField(
        default=list, blank=True, help_text="A findings query's table (one row per provider), as produced."
    )
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-run_at", "-pk"]

    def __str__(self) -> str:
        return f"Scope query of request {self.request_id}: {self.result_count} found"


class EvidenceLink(models.Model):
    """A traceback produced in answer to a request, proposed by a query or added by hand."""

    class Source(models.TextChoices):
        PROPOSED = "proposed", "Proposed by the scope query"
        MANUAL = "manual", "Added by ITG staff"

    request = models.ForeignKey(DemandRequest, on_delete=models.CASCADE, related_name="evidence")
    traceback = models.ForeignKey(Traceback, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    query = models.ForeignKey(
        EvidenceQuery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "traceback_id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "traceback"], name="evidence_once_per_request")
        ]

    def __str__(self) -> str:
        return f"Traceback {self.traceback_id} for request {self.request_id}"


class Response(models.Model):
    """One version of the ITG's response to a demand: frozen content, then one signed PDF.

    A delivered version never changes; a correction is a new version with its own reason and its own
    Bates range. `status` is written only by `subpoenas.responses.workflow.move` (compare-and-set), for
    the steps `subpoenas.responses.services` takes.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued for rendering and signing"
        RENDERING = "rendering", "Rendering and signing"
        FAILED = "failed", "Rendering or signing failed"
        SIGNED = "signed", "Signed, awaiting delivery"
        DELIVERED = "delivered", "Delivered"

    demand = models.ForeignKey(LegalDemand, on_delete=models.PROTECT, related_name="responses")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    reason = models.TextField(blank=True, help_text="Why a correction was issued (versions after the first).")
    snapshot = models.JSONField(
        help_text="Each request's answer and produced traceback ids, frozen when prepared."
    )
    document = models.OneToOneField(
        IssuedDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )
    progress = models.PositiveSmallIntegerField(default=0)
    progress_label = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["demand", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "version"], name="response_version_unique"),
            models.CheckConstraint(condition=Q(version=1) | ~Q(reason=""), name="correction_has_reason"),
            models.CheckConstraint(
                condition=~Q(status__in=["signed", "delivered"]) | Q(document__isnull=False),
                name="signed_response_has_document",
            ),
        ]

    def __str__(self) -> str:
        return f"Response to {self.demand.tracking_number}, version {self.version}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("responses:demand", args=[self.demand_id])

    @property
    def audit_state(self) -> str:
        """The jurisdiction the audit trail files this response under: its demand's issuing state."""
        return self.demand.state

    @property
    def in_flight(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)
