"""The gate in front of every page: signed in, and past two-factor, or nowhere.

Anonymous visitors are sent to the login page (views marked `login_not_required` excepted). A user who
has given a password but not yet a code reaches only the enrolment and verification pages and logout.
The API is left to DRF, whose session authentication also insists on a verified session.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django_otp.plugins.otp_totp.models import TOTPDevice

_OPEN_PREFIXES = ("/static/", "/api/", "/favicon.ico")

# The session ends silently after SESSION_COOKIE_AGE without a request (settings: idle timeout). Activity
# renews it: a signed-in request more than SESSION_RENEW_SECONDS after the last renewal marks the session
# modified, so the session middleware saves it with a fresh expiry. (Saving on every request, as
# SESSION_SAVE_EVERY_REQUEST does, costs a database write and commit per page view for nothing: the expiry
# moves by seconds. With a renewal at most once a minute, an idle session ends 30 minutes after its last
# renewal, that is 29 to 30 minutes after the last request.) So that the login page can say why a session
# ended, each renewal also writes a signed, HttpOnly cookie holding the renewal's time, which outlives the
# session; logging out deletes it. Its presence on the login page means the session ended without a logout,
# and its age, measured from the same instant the session's expiry is, says whether idleness ended it.
RENEWED_KEY = "_itg_renewed"
LAST_SEEN_COOKIE = "itg_last_seen"
LAST_SEEN_SALT = "itg.accounts.last-seen"
LAST_SEEN_MAX_AGE = 14 * 24 * 3600


def session_end_notice(request: HttpRequest, now: float | None = None) -> str:
    """Why an anonymous visitor on the login page is no longer signed in, or "" if they logged out."""
    try:
        seen = float(
            request.get_signed_cookie(LAST_SEEN_COOKIE, salt=LAST_SEEN_SALT, max_age=LAST_SEEN_MAX_AGE)
        )
    except (
        KeyError,
        ValueError,
        TypeError,
        signing.BadSignature,
    ):  # no cookie, a bad signature, or expired: nothing to say
        return ""
    idle = settings.SESSION_COOKIE_AGE
    if (now or time.time()) - seen >= idle - 5:  # the browser drops the session cookie a moment early
        minutes = idle // 60
        return (
            f"You were logged out after {minutes} minute{'s' if minutes != 1 else ''} without activity, to "
            "protect the matters your account can see. Log in again to continue where you were."
        )
    return "Your session ended: you were logged out in another window, or by an administrator. Log in again."


def forget_last_seen(response: HttpResponse) -> HttpResponse:
    response.delete_cookie(LAST_SEEN_COOKIE, samesite="Lax")
    return response


def otp_exempt(view):
    """Mark a view reachable between password and two-factor code (enrolment, verification, logout)."""
    view.otp_exempt = True
    return view


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if (
            user is None
            or not user.is_authenticated
            or session is None
            or LAST_SEEN_COOKIE in response.cookies
        ):
            return response  # anonymous, or the view itself dealt with the cookie (logout deletes it)
        now = int(time.time())
        if now - session.get(RENEWED_KEY, 0) >= settings.SESSION_RENEW_SECONDS or session.modified:
            session[RENEWED_KEY] = now  # saved by the session middleware, expiry now + idle timeout
            response.set_signed_cookie(
                LAST_SEEN_COOKIE, str(now), salt=LAST_SEEN_SALT, max_age=LAST_SEEN_MAX_AGE,
                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.path.startswith(_OPEN_PREFIXES):
            return None
        user = request.user
        if not user.is_authenticated:
            if getattr(view_func, "login_required", True):
                return redirect_to_login(request.get_full_path())
            return None
        if user.is_verified() or getattr(view_func, "otp_exempt", False):
            return None
        if request.headers.get("accept", "").startswith("application/json"):
            return JsonResponse({"detail": "Two-factor verification required."}, status=403)
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
        return redirect(f"{_reverse(target)}?next={request.get_full_path()}")


def _reverse(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
