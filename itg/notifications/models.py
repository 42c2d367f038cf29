"""In-app notifications: what each user should look at (reminders, status changes, messages).

Generic on purpose (a title, a text and a link): `itg` imports no domain app, and each feature writes
its own wording. E-mail is sent beside it by the feature's task.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="A path within the site.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    key = models.CharField(
        max_length=120, blank=True, help_text="What it is about: one notification per user and key."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The header's unread count and the list page read exactly this.
            models.Index(fields=["user", "-created_at"], name="notification_user_recent_idx"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]
        constraints = [
            # A task delivered twice (acks_late) must not notify twice.
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.title
