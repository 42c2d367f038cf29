"""Writing notifications: one row per recipient, and marking them read."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from itg.notifications.models import Notification


def notify(
    *, users: Iterable, title: str, body: str = "", url: str = "", email: bool = True, key: str = ""
) -> list[Notification]:
    """An in-app notification for each active user, and the same text by e-mail (sent after commit).

    Deadlines and status changes must reach people who are not looking at the portal, hence the e-mail;
    the in-app list keeps a record the user can come back to. With a `key` (what the notice is about),
    a user already told is skipped: a task delivered twice notifies and e-mails nobody twice.
    """
    users = [u for u in users if u is not None and u.is_active]
    if key:
        told = set(Notification.objects.filter(key=key, user__in=users).values_list("user_id", flat=True))
        users = [u for u in users if u.pk not in told]
    rows = Notification.objects.bulk_create(
        (Notification(user=u, title=title, body=body, url=url, key=key) for u in users),
        ignore_conflicts=bool(key),  # the unique constraint settles a race between two deliveries
    )
    if email and users:
        link = f"{settings.SITE_URL}{url}" if url else settings.SITE_URL
        recipients = sorted({u.email for u in users})
        transaction.on_commit(
            lambda: send_mail(title, f"{body}\n\n{link}\n", None, recipients, fail_silently=False)
        )
    return rows


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
