"""The findings' settings (one row), and the monthly snapshots that freeze a month's findings as data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class FindingSettings(models.Model):
    """Thresholds and window of the non-cooperative provider findings: one row, changed by ITG administrators.

    Defaults follow the line consumer advocates proposed and the ITG uses ("3 tracebacks in 12 months"): see
    "Non-cooperative providers, measured" in DOMAIN.md. They were chosen from that public line, never tuned on
    the data they judge.
    """

    window_months = models.PositiveSmallIntegerField(
        default=12, help_text="Rolling window ending today, in months, used when no fixed window is set."
    )
    window_start = models.DateField(null=True, blank=True, help_text="Fixed window: first day (UTC).")
    window_end = models.DateField(null=True, blank=True, help_text="Fixed window: last day (UTC), inclusive.")
    threshold_a = models.PositiveIntegerField(
        default=3, help_text="(a) hops unanswered within 24 hours or refused."
    )
    threshold_b = models.PositiveIntegerField(
        default=3, help_text="(b) tracebacks originated or accepted from the originator."
    )
    threshold_c = models.PositiveIntegerField(
        default=3, help_text="(c) tracebacks as US gateway for a foreign provider."
    )
    threshold_d = models.PositiveIntegerField(default=3, help_text="(d) 'no record' answers.")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "finding settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_a__gte=1, threshold_b__gte=1, threshold_c__gte=1, threshold_d__gte=1),
                name="finding_thresholds_positive",
            ),
            models.CheckConstraint(condition=Q(window_months__gte=1), name="finding_window_months_positive"),
            models.CheckConstraint(
                condition=Q(window_start__isnull=True, window_end__isnull=True)
                | Q(
                    window_start__isnull=False,
                    window_end__isnull=False,
                    window_end__gte=models.F("window_start"),
                ),
                name="finding_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return "Finding settings"


class FindingSnapshot(models.Model):
    """The findings of one calendar month, frozen as plain data when made, so the report for a past month can
    be reproduced byte for byte however the tracebacks change afterwards (late answers, reassignments)."""

    month = models.DateField(unique=True, help_text="First day of the month (UTC).")
    window_start = models.DateField()
    window_end = models.DateField(help_text="Last day, inclusive.")
    thresholds = models.JSONField(help_text="The thresholds in force when the snapshot was made.")
    rows = models.JSONField(help_text="One object per finding, as the CSV writes it.")
    csv_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"Findings of {self.month:%B %Y}"


class FindingReport(models.Model):
    """A signed PDF report of the scorecard for a window: Bates-numbered, PAdES-signed, kept by the SHA-256
    of the signed bytes so that a copy presented later can be checked against what the ITG issued."""

    window_start = models.DateField()
    window_end = models.DateField()
    thresholds = models.JSONField()
    findings = models.PositiveIntegerField()
    bates_prefix = models.CharField(max_length=60, unique=True)
    bates_first = models.PositiveIntegerField()
    bates_last = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    storage_key = models.CharField(max_length=300, unique=True)
    signer_name = models.CharField(max_length=200)
    is_development = models.BooleanField(default=False)
    signed_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(bates_last__gte=models.F("bates_first")), name="report_bates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"Provider findings report {self.bates_prefix}"
