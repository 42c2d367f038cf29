"""The gate in front of every page: signed in, and past two-factor, or nowhere.

Anonymous visitors are sent to the login page (views marked `login_not_required` excepted). A user who
has given a password but not yet a code reaches only the enrolment and verification pages and logout.
The API is left to DRF, whose session authentication also insists on a verified session.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django_otp.plugins.otp_totp.models import TOTPDevice

_OPEN_PREFIXES = ("/static/", "/api/", "/favicon.ico")


def otp_exempt(view):
    """Mark a view reachable between password and two-factor code (enrolment, verification, logout)."""
    view.otp_exempt = True
    return view


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

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
