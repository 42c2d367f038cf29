"""The provider registry: voice service providers as filed in the FCC's Robocall Mitigation Database (RMD,
47 CFR 64.6305), plus what the ITG keeps about them (traceback contact, time zone, provisional entries)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from itg.calendar import DEFAULT_PROVIDER_TZ


class StirShaken(models.TextChoices):
    """STIR/SHAKEN implementation as certified in the RMD filing."""

    YES = "yes", "Complete"
    PARTIAL = "partial", "Partial"
    NO = "no", "No"
    UNKNOWN = "", "Not filed"


class Provider(models.Model):
    # RMD fields. A provisional provider (added by ITG staff, not found in the RMD) has no RMD number.
    rmd_number = models.CharField("RMD number", max_length=20, null=True, blank=True, unique=True)
    frn = models.CharField("FRN", max_length=10, blank=True, db_index=True)
    business_name = models.CharField(max_length=300)
    business_address = models.CharField(max_length=500, blank=True)
    country = models.CharField(max_length=100, blank=True)
    # None: unknown. The real RMD export has rows with the "foreign voice provider" answer left blank; such a
    # provider is kept (refusing it would drop a filed provider from the registry) and shown as unknown.
    is_foreign = models.BooleanField("foreign voice provider", null=True, default=False)
    other_frns = models.CharField("other FRNs", max_length=500, blank=True)
    other_names = models.CharField("other DBA names", max_length=1000, blank=True)
    previous_names = models.CharField("previous DBA names", max_length=1000, blank=True)
    stir_shaken = models.CharField(
        "STIR/SHAKEN implementation", max_length=8, choices=StirShaken.choices, blank=True
    )
    is_voice_service = models.BooleanField("voice service provider", default=False)
    is_gateway = models.BooleanField("gateway provider", default=False)
    is_intermediate = models.BooleanField("intermediate provider", default=False)
    rmd_last_updated = models.DateField("RMD last updated", null=True, blank=True)
    filing_url = models.URLField("RMD filing", max_length=500, blank=True)
    # The ITG's own fields.
    traceback_email = models.EmailField(
        "traceback contact e-mail", blank=True, help_text="Where traceback requests are sent."
    )
    time_zone = models.CharField(
        max_length=64,
        default=DEFAULT_PROVIDER_TZ,
        help_text="IANA zone of the responding office: the 24-hour clock runs in its local time.",
    )
    is_provisional = models.BooleanField(
        default=False, help_text="Added by ITG staff; not (yet) found in the RMD."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["business_name"]
        indexes = [models.Index(fields=["business_name"], name="provider_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_provisional=True) | Q(rmd_number__isnull=False),
                name="provider_rmd_unless_provisional",
            ),
        ]

    def __str__(self) -> str:
        return self.business_name

    def get_absolute_url(self) -> str:
        return reverse("registry:detail", args=[self.pk])

    @property
    def roles_display(self) -> str:
        roles = [
            label
            for flag, label in (
                (self.is_voice_service, "voice service"),
                (self.is_gateway, "gateway"),
                (self.is_intermediate, "intermediate"),
            )
            if flag
        ]
        return ", ".join(roles) or "none filed"

    @property
    def label(self) -> str:
        """Name with its identifiers, as shown in answer suggestions."""
        ids = " · ".join(
            x for x in (self.rmd_number or "provisional", f"FRN {self.frn}" if self.frn else "") if x
        )
        return f"{self.business_name} ({ids})"


class ProviderContact(models.Model):
    class Source(models.TextChoices):
        RMD = "rmd", "RMD filing"
        ITG = "itg", "Added by ITG"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="contacts")
    source = models.CharField(max_length=4, choices=Source.choices, default=Source.ITG)
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=500, blank=True)
    country = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    extension = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["source", "name"]
        constraints = [
            # The RMD filing names one robocall mitigation contact; the import keeps it in step.
            models.UniqueConstraint(fields=["provider"], condition=Q(source="rmd"), name="one_rmd_contact"),
        ]

    def __str__(self) -> str:
        return self.name or self.email or "contact"


class RmdImport(models.Model):
    """One upload of the RMD export and its progress, so that any process can show it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file = models.FileField(upload_to="rmd-imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejections = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"RMD import {self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("providers:import_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else (100 if self.status == "done" else 0)


class ProviderToken(models.Model):
    """A provider's API credential. Only a hash is stored; the token is shown once when created."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to recognise a token.")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider"], condition=Q(revoked_at__isnull=True), name="one_live_token_per_provider"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… for {self.provider_id}"
