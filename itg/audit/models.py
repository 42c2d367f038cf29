"""AuditEvent: append-only, hash-chained.

Each event stores the previous event's hash and its own SHA-256 over a canonical serialization that
includes that previous hash (NIST SP 800-53 AU-9(3), AU-10), so an edited, removed or inserted row
breaks the chain at its sequence number. The actor's e-mail, role, office and state are copied at the
moment of the event (CJIS 5.4.1.1 / AU-3): a later change to the user does not rewrite history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from itg.audit.actions import Action, Outcome
from itg.audit.chain import ROW_FIELDS, row_hash

ACTION_LABELS = dict(Action.choices)


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
    actor_email = models.CharField(max_length=254, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    actor_office = models.CharField(max_length=200, blank=True)
    actor_state = models.CharField(max_length=2, blank=True)
    # No `choices=` here: the registry grows with every app, and choices in the field would make each
    # new action a migration of this table. `record()` refuses an action that is not in the registry.
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    object_state = models.CharField(
        max_length=2, blank=True, help_text="The jurisdiction the object belongs to, if any."
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.SUCCESS)
    reason = models.CharField(max_length=500, blank=True)
    # Text, not inet: the hash covers the address exactly as stored. (An inet column would print some
    # addresses, e.g. "::192.0.2.1", differently from how they were hashed: false alarms on demand.)
    ip = models.CharField(max_length=45, null=True, blank=True)  # noqa: DJ001 - null is hashed as "no address"
    user_agent = models.CharField(max_length=400, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        # The auditors' pages filter on one of these columns and page by seq, newest first (keyset): each
        # index ends with seq, so "action = X ORDER BY seq DESC LIMIT 51" reads 51 index entries, not the
        # tens of millions of rows of a year's trail (CJIS AU-11 keeps at least one year).
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx"),
            models.Index(fields=["actor_email", "seq"], name="audit_actor_email_idx"),
            models.Index(fields=["actor_office", "seq"], name="audit_actor_office_idx"),
            models.Index(fields=["actor_state", "seq"], name="audit_actor_state_idx"),
            models.Index(fields=["object_state", "seq"], name="audit_object_state_idx"),
            models.Index(fields=["action", "seq"], name="audit_action_idx"),
            models.Index(fields=["outcome", "seq"], name="audit_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_email or 'system'}"

    def get_absolute_url(self) -> str:
        return reverse("audit:detail", args=[self.seq])

    def get_action_display(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def row(self) -> tuple:
        """The event as a chain row (ROW_FIELDS order), for re-hashing and export."""
        return tuple(getattr(self, name) for name in ROW_FIELDS)

    @property
    def hash_verifies(self) -> bool:
        return row_hash(self.row) == self.hash
