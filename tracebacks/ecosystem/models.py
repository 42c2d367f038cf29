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


class LetterTemplate(models.Model):
    """The wording of a kind of notice letter, edited by ITG administrators (every change audited).

    The body is a Django template rendered in a sandbox (`tracebacks.ecosystem.letters.sandbox`): only a few
    tags and filters, and only the documented fields of the letter's data, so an edit cannot reach the
    database, the settings or anything but what the letter is about. The letterhead, the traceback record,
    the earlier notices and the acknowledgement instructions are fixed parts of the PDF, not of the template.
    """

    class Kind(models.TextChoices):
        NOTICE = "notice", "Notice to the provider"
        DOWNSTREAM = "downstream", "Notice to a downstream provider"

    kind = models.CharField(max_length=10, choices=Kind.choices, unique=True)
    subject = models.CharField(max_length=200, help_text="The e-mail's subject and the letter's heading.")
    body = models.TextField(help_text="The letter's text: a template over the fields listed on the page.")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class NoticeLetter(models.Model):
    """A signed notice letter sent to one provider: what it said (frozen), the signed PDF's register entry,
    and whether and how the provider acknowledged receipt. Written once when sent; afterwards only the
    acknowledgement fields change, once, by `letter_acknowledge` (compare-and-set)."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent, not yet acknowledged"
        ACKNOWLEDGED = "acknowledged", "Receipt acknowledged"

    class Via(models.TextChoices):
        LINK = "link", "The e-mailed link"
        API = "api", "The provider API"

    kind = models.CharField(max_length=10, choices=LetterTemplate.Kind.choices)
    reference = models.CharField(max_length=40, unique=True, help_text="Also the Bates prefix of its pages.")
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="+", help_text="The addressee."
    )
    about = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="+",
        help_text="The provider whose traceback record the letter is about (the addressee itself, or its upstream).",
    )  # fmt: skip
    window_start = models.DateField()
    window_end = models.DateField(help_text="Inclusive.")
    criteria = models.JSONField(default=list, help_text="The criteria (a)-(d) found against `about`.")
    content = models.JSONField(help_text="The letter's data as rendered, frozen at send.")
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="The template's text as rendered for this letter.")
    to_email = models.EmailField()
    bates_first = models.PositiveIntegerField()
    bates_last = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, unique=True, help_text="Of the signed bytes, as e-mailed.")
    size = models.PositiveBigIntegerField()
    storage_key = models.CharField(max_length=300, unique=True)
    signer_name = models.CharField(max_length=200)
    is_development = models.BooleanField(default=False)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SENT)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_name = models.CharField(max_length=200, blank=True, help_text="Who acknowledged, as given.")
    acknowledged_via = models.CharField(max_length=4, choices=Via.choices, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["provider", "-sent_at"], name="letter_provider_idx"),
            models.Index(fields=["about", "-sent_at"], name="letter_about_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(bates_last__gte=models.F("bates_first")), name="letter_bates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", acknowledged_at__isnull=True)
                | Q(status="acknowledged", acknowledged_at__isnull=False),
                name="letter_ack_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"Notice letter {self.reference}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("ecosystem:letter", args=[self.pk])

    @property
    def bates_range(self) -> str:
        return f"{self.reference}-{self.bates_first:06d} to {self.reference}-{self.bates_last:06d}"

    @property
    def is_acknowledged(self) -> bool:
        return self.status == self.Status.ACKNOWLEDGED
