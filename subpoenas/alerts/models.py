"""Alerts to AG offices: the rules that draft them, the alert itself, who received it, who subscribed.

An alert is drafted by a rule (or by ITG staff), reviewed and sent by ITG staff; at send its packet (the
campaign's activity, its hop paths, the laws) is frozen into `packet` and rendered once into a signed PDF
registered as an issued document. Each receiving office has one `AlertRecipient` row that records what it
did with the alert. `status` fields are written only by `subpoenas.alerts.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from itg.accounts.models import Office
from subpoenas.responses.models import IssuedDocument
from tracebacks.models import Campaign


class AlertRule(models.Model):
    """A trigger ITG administrators see and change on the rules page (every change audited)."""

    class Kind(models.TextChoices):
        VOLUME = "volume", "Campaign volume over the window"
        GROWTH = "growth", "Campaign growth against the previous window"
        STORM = "storm", "Storm: many calls within a few hours"
        STATES = "states", "Number of states reached"
        ORIGIN = "origin", "Traceback completed to an originating provider"
        FOREIGN_GATEWAY = "foreign_gateway", "New gateway for foreign traffic"
        FINDING = "finding", "A provider crossing a finding threshold"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    threshold = models.PositiveIntegerField(
        help_text="Calls (volume, storm), percent growth, states reached, or tracebacks (origin); "
        "gateways are alerted at the first one."
    )
    window_days = models.PositiveSmallIntegerField(
        default=7, help_text="Length of the period; periods are aligned (7 days: Monday to Sunday)."
    )
    storm_hours = models.PositiveSmallIntegerField(
        default=6, help_text="Storm rules: calls within this many hours."
    )
    min_volume = models.PositiveIntegerField(
        default=0, help_text="Ignore campaigns with fewer calls in the period (growth from nothing is noise)."
    )
    campaign_kinds = models.JSONField(default=list, blank=True, help_text="Empty: every kind.")
    is_active = models.BooleanField(default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(window_days__gte=1), name="alert_rule_window_positive"),
            models.CheckConstraint(condition=Q(storm_hours__gte=1), name="alert_rule_storm_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (ITG review)"
        SENT = "sent", "Sent"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField(help_text="Inclusive.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True, help_text="ITG staff's words to the recipients.")
    triggers = models.JSONField(
        default=list, blank=True, help_text="[{rule, kind, reason, at}] that drafted it."
    )
    state_statutes = models.JSONField(
        default=dict, blank=True, help_text="State code -> the state's own statute, filled in by ITG staff."
    )
    extra_offices = models.ManyToManyField(Office, blank=True, related_name="+", help_text="Sent to as well.")
    packet = models.JSONField(null=True, blank=True, help_text="The packet's data, frozen at send.")
    document = models.OneToOneField(
        IssuedDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="alert"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One alert per campaign and period: a rule that fires again (or another rule) updates it.
            models.UniqueConstraint(
                fields=["campaign", "period_start", "period_end"], name="alert_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="alert_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(packet__isnull=False) & Q(document__isnull=False)),
                name="sent_alert_has_packet",
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="alert_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("alerts:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"ITG-ALERT-{self.pk:05d}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class AlertRecipient(models.Model):
    """One office's copy of a sent alert and what it did with it (each step audited)."""

    class Reason(models.TextChoices):
        AFFECTED = "affected", "Residents of the state were called"
        SUBSCRIBED = "subscribed", "Subscribed to the campaign kind"
        SHARED = "shared", "Shared by the ITG"

    class Status(models.TextChoices):
        DELIVERED = "delivered", "Delivered"
        VIEWED = "viewed", "Viewed"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        INVESTIGATING = "investigating", "Investigation opened"
        RECORDS_REQUESTED = "records_requested", "Records requested"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="alert_copies")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    volume_in_state = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=18, choices=Status.choices, default=Status.DELIVERED)
    digest = models.BooleanField(default=False, help_text="Told in the weekly digest rather than at once.")
    notified_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(default=timezone.now)
    viewed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="alert_copy",
        help_text="The investigation the office opened from this alert.",
    )  # fmt: skip
    investigation_at = models.DateTimeField(null=True, blank=True)
    records_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["alert", "office__name"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "office"], name="alert_once_per_office"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_by__isnull=False),
                name="alert_ack_has_author",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "-delivered_at"], name="alert_copy_office_idx"),
            models.Index(fields=["notified_at"], condition=Q(digest=True), name="alert_copy_digest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} to {self.office}"

    @property
    def audit_state(self) -> str:
        return self.office.state


class Subscription(models.Model):
    """What an office wants to receive (its supervisors set it). Without one: every alert that hits its
    state, at once."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", "At once"
        WEEKLY = "weekly", "Weekly digest"

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="alert_subscription")
    campaign_kinds = models.JSONField(default=list, blank=True, help_text="Empty: every kind.")
    min_volume = models.PositiveIntegerField(default=0, help_text="Calls into the office's state.")
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    task_force_kinds = models.JSONField(
        default=list, blank=True,
        help_text="Campaign kinds the office follows for the task force, wherever the calls land.",
    )  # fmt: skip
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Alert subscription of {self.office}"

    @property
    def audit_state(self) -> str:
        return self.office.state
