"""Account lockout: 5 failed attempts within 15 minutes lock the account until an administrator unlocks it.

django-axes counts failures per account (lockout parameter: the username, whatever the address) and,
with no cool-off time, keeps a locked account locked. Axes has no window of its own, so before each
new failure we forget an account's earlier failures if the last of them is older than the window and
they had not yet reached the limit. Wrong two-factor codes count as failures too (see views).
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


class WindowedAxesHandler(AxesDatabaseHandler):
    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None:
            username = get_client_username(request, credentials)
            if username:
                AccessAttempt.objects.filter(
                    username=username,
                    attempt_time__lt=timezone.now() - settings.AXES_FAILURE_WINDOW,
                    failures_since_start__lt=settings.AXES_FAILURE_LIMIT,
                ).delete()
        return super().user_login_failed(sender, credentials, request, **kwargs)


def is_locked(email: str) -> bool:
    return AccessAttempt.objects.filter(
        username__iexact=email, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).exists()


def locked_emails(emails: list[str]) -> set[str]:
    """Which of these accounts are locked, in one query (for user lists)."""
    rows = AccessAttempt.objects.filter(
        username__in=emails, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    ).values_list("username", flat=True)
    return {row.lower() for row in rows}
