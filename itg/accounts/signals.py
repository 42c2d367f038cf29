"""Audit of logins, logouts and failed logins, and the session register used by deactivation.

A new lock is recorded by `itg.accounts.lockout` (once per lock, not once per refused attempt)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from itg.accounts.models import LoginSession
from itg.audit.actions import Action, Outcome
from itg.audit.services import record


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs) -> None:
    if request is not None and request.session.session_key:
        LoginSession.objects.create(user=user, session_key=request.session.session_key)
    record(action=Action.LOGIN, by=user, obj=user, reason="password accepted")


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        if request is not None and request.session.session_key:
            LoginSession.objects.filter(session_key=request.session.session_key).delete()
        record(action=Action.LOGOUT, by=user, obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    credentials = credentials or {}
    email = str(credentials.get("username", ""))[:254]
    if credentials.get("otp"):  # a wrong two-factor code, counted towards the lockout like a password
        record(
            action=Action.OTP_FAILED,
            actor_email=email,
            outcome=Outcome.FAILED,
            reason="wrong two-factor code",
        )
    else:
        record(
            action=Action.LOGIN_FAILED,
            actor_email=email,
            outcome=Outcome.FAILED,
            reason="refused: the account or the address is locked"
            if getattr(request, "axes_locked_out", False)
            else "wrong e-mail or password",
        )
