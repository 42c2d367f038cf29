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
