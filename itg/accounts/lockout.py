"""Account lockout, as CJIS Security Policy AC-7 writes it, and a throttle per client address.

AC-7 (CJIS Security Policy v5.9.x): (a) limit of five consecutive invalid logon attempts by a user during a
15-minute period; (b) automatically lock the account for 30 minutes, or until released by an administrator,
when the limit is exceeded. Here:

* 5 failed attempts (wrong password or wrong two-factor code) on one account within 15 minutes lock it for
  30 minutes from the fifth failure (attempts made while it is locked do not extend it), or until an ITG
  administrator unlocks it (`services.user_unlock`). Failures spread wider than the window never add up.
* The account's owner is e-mailed at once (a lock they did not cause means someone is guessing); when one
  account is locked `REPEATED_LOCK_ALERT` times within `REPEATED_LOCK_PERIOD`, the ITG administrators are
  alerted (in-app and e-mail, once a day per account).
* One client address may fail `ADDRESS_FAILURE_LIMIT` times within 15 minutes, across all accounts; after
  that the address is refused every login attempt, whichever account it names, until its failures age
  out of the window. Refused attempts count towards no account, so one address can lock at most
  ADDRESS_FAILURE_LIMIT // 5 accounts per window, not every account it can name. A whole AG office behind
  one NAT address needs 10 failures in 15 minutes to be throttled, and then only for those minutes.

django-axes counts the failures (`AccessAttempt` rows per username and address); this handler decides.
"""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

ADDRESS_FAILURE_LIMIT = 10
REPEATED_LOCK_ALERT = 3
REPEATED_LOCK_PERIOD = timedelta(hours=24)


def _failures(**filters) -> int:
    return AccessAttempt.objects.filter(**filters).aggregate(n=Sum("failures_since_start"))["n"] or 0


def address_throttled(ip: str | None, now=None) -> bool:
    if not ip:
        return False
    since = (now or timezone.now()) - settings.AXES_FAILURE_WINDOW
    return _failures(ip_address=ip, attempt_time__gte=since) >= ADDRESS_FAILURE_LIMIT


def locked_until(email: str):
    """When the account's lock ends (UTC), or None when it is not locked.

    Attempts made while it is locked are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is
    off), so the newest attempt is the one that locked it."""
    row = AccessAttempt.objects.filter(
        username__iexact=email, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    ).aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    if (row["n"] or 0) < settings.AXES_FAILURE_LIMIT:
        return None
    return row["last"] + settings.AXES_COOLOFF_TIME


class WindowedAxesHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The account's failures within the lock period; the limit itself when the address is throttled."""
        if address_throttled(getattr(request, "axes_ip_address", None)):
            return settings.AXES_FAILURE_LIMIT
        username = get_client_username(request, credentials)
        if not username:
            return 0
        return _failures(username=username, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        username = get_client_username(request, credentials)
        if username:
            # Axes has no window of its own: forget an account's earlier failures once the last of them is
            # older than the window, unless they already reached the limit (the lock runs its 30 minutes).
            AccessAttempt.objects.filter(
                username=username,
                attempt_time__lt=timezone.now() - settings.AXES_FAILURE_WINDOW,
                failures_since_start__lt=settings.AXES_FAILURE_LIMIT,
            ).delete()
        already = getattr(request, "axes_locked_out", False)
        ip = getattr(request, "axes_ip_address", None)
        throttled_before = address_throttled(ip)
        result = super().user_login_failed(sender, credentials, request, **kwargs)
        if getattr(request, "axes_locked_out", False) and not already:
            from itg.accounts.services import lock_started

            lock_started(email=username or "", ip=ip, account=bool(username and is_locked(username)),
                         address=address_throttled(ip) and not throttled_before)  # fmt: skip
        return result


def is_locked(email: str) -> bool:
    return locked_until(email) is not None


def locked_emails(emails: list[str]) -> set[str]:
    """Which of these accounts are locked, in one query (for user lists)."""
    rows = (
        AccessAttempt.objects.filter(
            username__in=emails, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
        )
        .values("username")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )
    return {row.lower() for row in rows}
