"""One row per stored upload: its malware scan and active-content flags, keyed by the storage key.

Keyed by the generated storage key rather than a foreign key, so every feature that stores uploads through
`itg.uploads.StoredFiles` (demand documents, intake drafts, case messages, traceback recordings and
transcripts, provider evidence, call-data imports) is covered without each model growing columns, and
`itg` imports no domain app. The row is written in the same transaction as the feature's own row.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class FileScan(models.Model):
    class Status(models.TextChoices):
        CLEAN = "clean", "Scanned, clean"
        PENDING = "pending", "Quarantined: waiting for the malware scanner"
        INFECTED = "infected", "Quarantined: malware found"
        UNSCANNED = "unscanned", "Not scanned (no scanner configured)"

    storage_key = models.CharField(max_length=300, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)
    signature = models.CharField(max_length=200, blank=True, help_text="ClamAV's name for what it found.")
    flags = models.JSONField(default=list, blank=True, help_text="Active content (itg.filescan.FLAG_LABELS).")
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    scanned_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.storage_key} ({self.status})"

    @property
    def servable(self) -> bool:
        return self.status in (self.Status.CLEAN, self.Status.UNSCANNED)
