"""A case is one matter: the demands, documents, messages and responses of one investigation.

It is the unit of tenancy: the lead state's AG office sees it, and so does every office it is shared
with explicitly (a multistate task force). Who sees what is decided in `cases.access` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase

from itg.calendar import jurisdiction_choices


class Case(models.Model):
    title = models.CharField(max_length=300)
    lead_state = models.CharField(max_length=2, choices=jurisdiction_choices(), db_index=True)
    reference = models.CharField(max_length=100, blank=True, help_text="The AG office's own matter number.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        help_text="The ITG staff member responsible.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["lead_state", "-created_at"], name="case_state_recent_idx")]
        # Granted per share to an office's group (cases.access.may_post_in_thread); never to a user.
        permissions = [("post_in_thread", "Post in the case's thread (an office the case is shared with)")]

    def __str__(self) -> str:
        return f"{self.title} ({self.lead_state})"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.pk])

    @property
    def audit_state(self) -> str:
        return self.lead_state


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """An explicit share of a case with an office's group (guardian, with a direct foreign key).

    A direct foreign key instead of guardian's generic (content type, text id) pair lets the access
    layer filter shares as a plain subquery on an indexed integer column.
    """

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="group_shares")


class CaseMessage(models.Model):
    """The thread between the requesting office(s) and the ITG, and the ITG's internal notes.

    An internal note (`internal=True`) is written and read by ITG staff only; the access rule is in
    `cases.selectors.case_messages_for`.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="case_message_thread_idx")]

    def __str__(self) -> str:
        return f"{'Note' if self.internal else 'Message'} on case {self.case_id}"


class MessageAttachment(models.Model):
    message = models.ForeignKey(CaseMessage, on_delete=models.CASCADE, related_name="attachments")
    storage_key = models.CharField(max_length=300, unique=True)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    pdf_flags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["message", "pk"]

    def __str__(self) -> str:
        return self.original_name
