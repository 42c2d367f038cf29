"""Detected campaigns: what the engine found in call records and traceback sample calls, and what staff decided.

A detected campaign is *proposed* by a run and stays so until ITG staff confirm it (with a name in the ITG
style, and a `tracebacks.Campaign` created or linked). Runs change proposed campaigns freely; they never
undo a staff decision: a confirmed campaign keeps its name, its link and every member staff left in it; a
call moved out stays out (`Exclusion`); two campaigns split apart are never proposed for merging again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tracebacks.models import Campaign


class Run(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", "Full run"
        INCREMENTAL = "incremental", "Import assignment"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)
    assigned = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0, help_text="New proposed campaigns.")
    merge_proposals = models.JSONField(default=list, blank=True, help_text="[[id, id, reason], …]")
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class DetectedCampaign(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        MERGED = "merged", "Merged into another"
        DISSOLVED = "dissolved", "No longer found"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    name = models.CharField(max_length=100, blank=True, help_text="ITG style: Topic-Variant[-Pn].")
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="detected"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    split_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Evidence, recomputed after every run and decision (selectors read these; no page scans members).
    representative = models.TextField(blank=True)
    phrases = models.JSONField(default=list, blank=True)
    callback_numbers = models.JSONField(default=list, blank=True, help_text="[[number, calls], …]")
    caller_ids = models.JSONField(default=list, blank=True, help_text="[[number, calls], …] (top 50)")
    caller_id_count = models.PositiveIntegerField(default=0)
    by_source = models.JSONField(default=dict, blank=True)
    by_state = models.JSONField(default=dict, blank=True)
    anchors = models.JSONField(
        default=list, blank=True, help_text="Up to 30 distinct member texts new calls are compared with."
    )
    calls = models.PositiveIntegerField(default=0)
    tracebacks = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField(null=True, blank=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    first_run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-calls", "pk"]
        indexes = [models.Index(fields=["status", "-calls"], name="detected_status_idx")]

    def __str__(self) -> str:
        return self.name or f"Detected campaign #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("detection:detected", args=[self.pk])


class Member(models.Model):
    """One call record or traceback sample call in a detected campaign, and why it is there."""

    class Kind(models.TextChoices):
        CALL = "call", "Call record"
        TRACEBACK = "traceback", "Traceback sample call"

    detected = models.ForeignKey(DetectedCampaign, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Call records live in a partitioned table keyed (id, call_at): referenced by id, no database FK.
    object_id = models.BigIntegerField()
    call_at = models.DateTimeField(null=True, blank=True)
    similarity = models.FloatField(default=1.0, help_text="Shingle similarity to the representative text.")
    reasons = models.CharField(max_length=60, blank=True, help_text="text, identical, number, audio, staff")
    by_staff = models.BooleanField(default=False, help_text="Placed here by a staff decision.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="detected_member_once")]
        indexes = [models.Index(fields=["detected", "-similarity"], name="detected_member_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id}"


class Exclusion(models.Model):
    """Staff moved this call out of this campaign: no run puts it back."""

    detected = models.ForeignKey(DetectedCampaign, on_delete=models.CASCADE, related_name="exclusions")
    kind = models.CharField(max_length=10, choices=Member.Kind.choices)
    object_id = models.BigIntegerField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["detected", "kind", "object_id"], name="detected_exclusion_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} kept out of #{self.detected_id}"


class Decision(models.Model):
    """A staff decision on detected campaigns (also written to the audit trail)."""

    class Action(models.TextChoices):
        CONFIRM = "confirm", "Confirmed"
        RENAME = "rename", "Renamed"
        LINK = "link", "Linked to a campaign"
        MERGE = "merge", "Merged"
        SPLIT = "split", "Split"
        MOVE_OUT = "move_out", "Call moved out"

    detected = models.ForeignKey(DetectedCampaign, on_delete=models.CASCADE, related_name="decisions")
    other = models.ForeignKey(
        DetectedCampaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    details = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.detected_id}"


class DailyRollup(models.Model):
    """Calls per day × campaign × source × called party's state: what every trend page reads.

    Kept current by `rollup_refresh(days)` (the importer and staff decisions call it for the days they
    touched; a beat task re-derives the recent days), never read from the raw calls on a page."""

    day = models.DateField()
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    source = models.CharField(max_length=16)
    state = models.CharField(max_length=2, blank=True)
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["day", "campaign"], name="rollup_day_campaign_idx"),
            models.Index(fields=["state", "day"], name="rollup_state_day_idx"),
            models.Index(fields=["campaign", "day"], name="rollup_campaign_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.campaign_id or '-'} {self.source} {self.state or '--'}: {self.calls}"


class CampaignDay(models.Model):
    """Calls per day × campaign, all sources and states: the national campaign series (the daily rollup
    summed), so national trend pages read one row per campaign-day. Written with the daily rollup."""

    day = models.DateField()
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["day", "campaign"], name="campaignday_day_idx"),
            models.Index(fields=["campaign", "day"], name="campaignday_campaign_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.campaign_id or '-'}: {self.calls}"


class CampaignStateDay(models.Model):
    """Calls per day × campaign × called party's state, all sources: a state page's campaign series (the
    daily rollup summed over sources, 3× fewer rows), read from its covering index alone on PostgreSQL.
    Written with the daily rollup."""

    day = models.DateField()
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    state = models.CharField(max_length=2, blank=True)
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["state", "day"], include=["campaign", "calls"], name="csday_state_day_idx"),
            models.Index(fields=["campaign", "state", "day"], name="csday_campaign_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.campaign_id or '-'} {self.state or '--'}: {self.calls}"


class SourceStateDay(models.Model):
    """Calls per day × source × called party's state, all campaigns: the daily rollup summed over
    campaigns (about 150 rows a day whatever the volume), so the per-source and per-state tables and a
    state's daily series read a few thousand rows for a year instead of millions. Written with the daily
    rollup."""

    day = models.DateField()
    source = models.CharField(max_length=16)
    state = models.CharField(max_length=2, blank=True)
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["day", "source", "state"], name="ssday_day_idx"),
            models.Index(fields=["state", "day", "source"], name="ssday_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.source} {self.state or '--'}: {self.calls}"
