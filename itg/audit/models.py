"""AuditEvent: append-only, hash-chained.

Each event stores the previous event's hash and its own SHA-256 over a canonical serialization that
includes that previous hash (NIST SP 800-53 AU-9(3), AU-10), so an edited, removed or inserted row
breaks the chain at its sequence number. The actor's e-mail, role, office and state are copied at the
moment of the event (CJIS 5.4.1.1 / AU-3): a later change to the user does not rewrite history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from itg.audit.actions import Action, Outcome


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)  # gapless, from 1
    at = models.DateTimeField(db_index=True)  # UTC, microseconds
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_email = models.CharField(max_length=254, blank=True, db_index=True)
    actor_role = models.CharField(max_length=32, blank=True)
    actor_office = models.CharField(max_length=200, blank=True)
    actor_state = models.CharField(max_length=2, blank=True, db_index=True)
    action = models.CharField(max_length=64, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    object_state = models.CharField(
        max_length=2, blank=True, db_index=True, help_text="The jurisdiction the object belongs to, if any."
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.SUCCESS, db_index=True)
    reason = models.CharField(max_length=500, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_email or 'system'}"
