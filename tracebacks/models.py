"""Campaigns, tracebacks and their hops: the chain of providers one illegal call crossed.

A traceback starts at the terminating provider (hop 1); each provider names its upstream and the next hop
is asked of that upstream, until the originating provider identifies its customer, the chain leaves the US
(the last US hop is the gateway), a provider has no record, or a provider does not answer within the
24-hour window of 47 CFR 64.1200(n)(1).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from providers.models import Provider


class Campaign(models.Model):
    class Kind(models.TextChoices):
        SSA = "ssa", "SSA impersonation"
        IRS = "irs", "IRS impersonation"
        UTILITY = "utility", "Utility impersonation"
        AMAZON = "amazon", "Amazon / retailer impersonation"
        BANK = "bank", "Bank impersonation"
        POLICE = "police", "Police / legal impersonation"
        AUTO_WARRANTY = "auto_warranty", "Auto warranty"
        MEDICARE = "medicare", "Medicare and health insurance"
        DEBT_RELIEF = "debt_relief", "Debt and credit-card interest relief"
        STUDENT_LOAN = "student_loan", "Student loans"
        TECH_SUPPORT = "tech_support", "Tech support"
        GRANDPARENT = "grandparent", "Grandparent scam"
        OTHER = "other", "Other"

    name = models.CharField(max_length=100, unique=True, help_text="ITG style, e.g. SSA-CalltheSSA.")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField(blank=True)
    legal_basis = models.CharField(
        max_length=300, blank=True, help_text="e.g. TCPA 47 U.S.C. 227(b); Truth in Caller ID Act."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tracebacks:campaign", args=[self.pk])


class Traceback(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed (origin identified)"
        FOREIGN = "foreign", "Foreign origin"
        DEAD_END = "dead_end", "Dead end (no record)"
        NON_RESPONSIVE = "non_responsive", "Non-responsive"
        CLOSED = "closed", "Closed by ITG"

    class Source(models.TextChoices):
        ANALYTICS = "analytics", "Analytics firm"
        CARRIER = "carrier", "Carrier"
        HONEYPOT = "honeypot", "Honeypot"
        COMPLAINT = "complaint", "Consumer complaint"
        GOVERNMENT = "government", "Government agency"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="tracebacks")
    call_at = models.DateTimeField(help_text="When the sample call was made (stored in UTC).")
    call_tz = models.CharField(
        max_length=64, default="America/New_York", help_text="The zone it was given in."
    )
    calling_number = models.CharField(max_length=20, help_text="E.164; often spoofed.")
    called_number = models.CharField(max_length=20, help_text="E.164.")
    source = models.CharField(max_length=12, choices=Source.choices)
    source_detail = models.CharField(max_length=200, blank=True)
    transcript = models.TextField(blank=True)
    recording = models.FileField(upload_to="tracebacks/recordings/%Y/%m/", blank=True)
    transcript_file = models.FileField(upload_to="tracebacks/transcripts/%Y/%m/", blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    hop_count = models.PositiveSmallIntegerField(default=0)
    originating_provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="originated"
    )
    gateway_provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="gateway_for"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    close_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-call_at", "-pk"]
        indexes = [
            models.Index(fields=["calling_number", "-call_at"], name="tb_calling_idx"),
            models.Index(fields=["called_number", "-call_at"], name="tb_called_idx"),
            models.Index(fields=["campaign", "-call_at"], name="tb_campaign_idx"),
            models.Index(fields=["status", "-call_at"], name="tb_status_idx"),
            models.Index(fields=["-call_at", "-id"], name="tb_call_at_idx"),
        ]

    def __str__(self) -> str:
        return f"Traceback {self.pk} ({self.campaign_id and self.campaign.name})"

    def get_absolute_url(self) -> str:
        return reverse("tracebacks:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Hop(models.Model):
    class Role(models.TextChoices):
        TERMINATING = "terminating", "Terminating"
        INTERMEDIATE = "intermediate", "Intermediate"
        GATEWAY = "gateway", "Gateway (point of entry)"
        ORIGINATING = "originating", "Originating"

    class Answer(models.TextChoices):
        PENDING = "pending", "Awaiting answer"
        UPSTREAM = "upstream", "Upstream named"
        CUSTOMER = "customer", "Customer identified"
        NO_RECORD = "no_record", "No record"
        REFUSED = "refused", "Refused"
        NO_RESPONSE = "no_response", "No response"

    class Attestation(models.TextChoices):
        A = "A", "A (full)"
        B = "B", "B (partial)"
        C = "C", "C (gateway)"
        NONE = "", "Unsigned / not seen"

    traceback = models.ForeignKey(Traceback, on_delete=models.CASCADE, related_name="hops")
    sequence = models.PositiveSmallIntegerField()
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="hops")
    role = models.CharField(max_length=12, choices=Role.choices)
    asked_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="47 CFR 64.1200(n)(1), in the provider's local business hours.")
    notified_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=12, choices=Answer.choices, default=Answer.PENDING)
    upstream = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attestation = models.CharField(max_length=1, choices=Attestation.choices, blank=True)
    origid = models.UUIDField(null=True, blank=True)
    signer = models.CharField(
        max_length=200, blank=True, help_text="Who signed the call (certificate holder)."
    )
    customer = models.CharField(max_length=300, blank=True, help_text="The originating provider's customer.")
    notes = models.TextField(blank=True)
    attachment = models.FileField(upload_to="tracebacks/hops/%Y/%m/", blank=True)
    is_late = models.BooleanField(default=False)
    flagged = models.BooleanField(default=False, help_text="No answer within the 24-hour window.")
    response_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["traceback", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["traceback", "sequence"], name="hop_sequence_unique"),
            # A provider appears once on a call's path (naming one already on it would be a loop). It also
            # makes "tracebacks through provider X" countable from the hops alone, and indexes that lookup.
            models.UniqueConstraint(fields=["traceback", "provider"], name="hop_provider_once_per_path"),
        ]
        indexes = [
            models.Index(fields=["provider", "-asked_at"], name="hop_provider_idx"),
            # The provider page's aggregates read only this index (an index-only scan on PostgreSQL); plain key
            # columns rather than INCLUDE, which SQLite lacks.
            models.Index(
                fields=["provider", "role", "answer", "is_late", "response_seconds"],
                name="hop_provider_stats_idx",
            ),
            # The overdue sweep looks only at open hops.
            models.Index(fields=["due_at"], condition=Q(answer="pending"), name="hop_pending_due_idx"),
            # The findings' "accepted straight from the originator" joins each hop to the next one when that
            # is the originating provider's: this small index holds only those (one per completed traceback),
            # so the join reads it instead of scanning every hop.
            models.Index(
                fields=["traceback", "sequence"],
                condition=Q(role="originating") | Q(answer="customer"),
                name="hop_origin_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Hop {self.sequence} of traceback {self.traceback_id}"

    @property
    def is_pending(self) -> bool:
        return self.answer == self.Answer.PENDING


class HopLinkUse(models.Model):
    """A one-time link that has been used to answer: its nonce can never answer again."""

    nonce = models.CharField(max_length=64, unique=True)
    hop = models.ForeignKey(Hop, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"link used for hop {self.hop_id}"
