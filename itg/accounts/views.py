"""Login with password then two-factor code, enrolment, invitations, user management, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from itg.accounts import services
from itg.accounts.forms import (
    CodeForm,
    InviteForm,
    LoginForm,
    RecoveryCodeForm,
    ResetOtpForm,
    RoleForm,
    SetPasswordForm,
)
from itg.accounts.lockout import locked_emails, locked_until
from itg.accounts.middleware import forget_last_seen, otp_exempt, session_end_notice
from itg.accounts.models import Invitation, User
from itg.accounts.qr import qr_svg
from itg.accounts.roles import ITGAdminRequiredMixin, UserManagerRequiredMixin
from itg.throttling import LoginThrottle, page_refusal

LOCKED_MESSAGE = (
    "This account is locked for 30 minutes after 5 failed attempts (it unlocks by itself at {until}). "
    "Ask an ITG administrator to unlock it sooner."
)
THROTTLED_MESSAGE = (
    "Too many failed logins came from your network address. Wait 15 minutes, then try again; "
    "no account was locked by these attempts."
)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def locked_out(request: HttpRequest, response=None, credentials=None, *args, **kwargs) -> HttpResponse:
    """django-axes calls this when an account is locked or the address throttled: a plain explanation."""
    if request.user.is_authenticated:
        logout(request)
    email = str((credentials or {}).get("username", ""))
    until = locked_until(email) if email else None
    message = LOCKED_MESSAGE.format(until=f"{until:%H:%M} UTC") if until else THROTTLED_MESSAGE
    form = LoginForm(initial={"username": email})
    return render(request, "accounts/login.html", {"form": form, "locked": message}, status=403)


@login_not_required
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and (refused := page_refusal(request, LoginThrottle)):
        form = LoginForm(initial={"username": request.POST.get("username", "")})
        response = render(request, "accounts/login.html", {"form": form, "locked": refused[0]}, status=429)
        response["Retry-After"] = str(refused[1])
        return response
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is None:
            form.add_error(
                None,
                "The e-mail address or password is wrong. After 5 failed attempts the account is locked.",
            )
        else:
            login(request, user)
            enrolling = services.otp_enrolment_device(user=user)
            step = "accounts:otp_setup" if enrolling else "accounts:otp_verify"
            return redirect(f"{reverse(step)}?next={_next_url(request)}")
    context = {"form": form, "next": request.GET.get("next", "")}
    if request.method == "GET" and not request.user.is_authenticated:
        # Said once: the notice's cookie goes with this page (a reload shows the plain login).
        context["ended"] = session_end_notice(request)
        return forget_last_seen(render(request, "accounts/login.html", context))
    return render(request, "accounts/login.html", context)


@otp_exempt
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not devices:
        return redirect("accounts:otp_setup")
    if request.method == "POST" and "recovery_code" in request.POST:
        return _otp_recovery(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = _throttle_seconds(devices)
        device = (
            None if wait else next((d for d in devices if d.verify_token(form.cleaned_data["code"])), None)
        )
        if device is not None:
            services.otp_login_complete(request=request, device=device)
            return redirect(_next_url(request))
        # A wrong code, or any code while throttled, is a failed attempt towards the account lockout.
        user_login_failed.send(
            sender=__name__, credentials={"username": user.email, "otp": True}, request=request
        )
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, credentials={"username": user.email})
        if wait:
            form.add_error(
                "code", f"Too many wrong codes in a row: wait {wait} seconds, then enter the current code."
            )
        else:
            form.add_error(
                "code", "That code is wrong, expired or already used. Wait for the next code and try again."
            )
    context = {"form": form, "recovery_form": RecoveryCodeForm(), "next": _next_url(request)}
    return render(request, "accounts/otp_verify.html", context)


def _otp_recovery(request: HttpRequest) -> HttpResponse:
    """The second factor given as a one-time recovery code instead of the authenticator's code."""
    user = request.user
    form = RecoveryCodeForm(request.POST)
    if form.is_valid():
        device = services.recovery_code_use(user=user, code=form.cleaned_data["recovery_code"])
        if device is not None:
            services.otp_login_complete(request=request, device=device)
            left = services.recovery_codes_left(user) or 0
            messages.warning(
                request,
                f"You logged in with a recovery code; it cannot be used again. {left} code"
                f"{'s' if left != 1 else ''} left: generate new ones on your account page"
                f"{' now' if left <= 3 else ' if you lost your authenticator'}.",
            )
            return redirect(_next_url(request))
        user_login_failed.send(
            sender=__name__, credentials={"username": user.email, "otp": True}, request=request
        )
        if getattr(request, "axes_locked_out", False):
            return locked_out(request, credentials={"username": user.email})
        form.add_error("recovery_code", "That recovery code is wrong or was already used.")
    context = {"form": CodeForm(), "recovery_form": form, "recovery_open": True, "next": _next_url(request)}
    return render(request, "accounts/otp_verify.html", context, status=400)


def _throttle_seconds(devices: list[TOTPDevice]) -> int:
    """django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s…); say how long is left."""
    import math

    from django.utils import timezone

    waits = []
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            waits.append(math.ceil((info["locked_until"] - timezone.now()).total_seconds()))
    return max(waits, default=0) if len(waits) == len(devices) else 0


@otp_exempt
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        # Made when its cause happened (the sign-in, the accepted invitation), never by opening this page: a
        # session that has none (its devices were reset meanwhile) signs in again.
        logout(request)
        messages.info(request, "Sign in again to set up two-factor login.")
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.otp_enrol_confirm(user=user, device=device, code=form.cleaned_data["code"]):
            services.otp_login_complete(request=request, device=device)
            messages.success(
                request, "Two-factor login is set up. You will be asked for a code at each login."
            )
            return redirect(_next_url(request))
        form.add_error(
            "code", "That code does not match. Check the time on your phone and enter the current code."
        )
    secret = _base32(device.bin_key)
    context = {"form": form, "qr": qr_svg(device.config_url), "secret": secret, "next": _next_url(request)}
    return render(request, "accounts/otp_setup.html", context)


def _base32(key: bytes) -> str:
    import base64

    raw = base64.b32encode(key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@otp_exempt
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You are logged out.")
    return forget_last_seen(redirect("accounts:login"))


@login_not_required
def invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            if request.user.is_authenticated:
                logout(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("accounts:otp_setup")
    return render(request, "accounts/invitation.html", {"form": form, "invitation": invitation})


class UserListView(UserManagerRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        users = User.objects.select_related("office").annotate(
            devices=Count("totpdevice", filter=Q(totpdevice__confirmed=True))
        )
        invitations = Invitation.objects.filter(accepted_at=None, revoked_at=None).select_related(
            "office", "invited_by"
        )
        if not request.user.is_itg_admin:
            users = users.filter(office=request.user.office_id)
            invitations = invitations.filter(office=request.user.office_id)
        users = list(users.order_by("office__name", "full_name"))
        locked = locked_emails([u.email for u in users])
        for user in users:
            user.is_locked = user.email in locked
        return render(request, "accounts/users.html", {"users": users, "invitations": invitations})


class InviteView(UserManagerRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "accounts/invite.html", {"form": InviteForm(inviter=request.user)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = InviteForm(request.POST, inviter=request.user)
        if form.is_valid():
            try:
                invitation, _link = services.user_invite(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Invitation sent to {invitation.email}; the link expires {invitation.expires_at:%d %B %Y %H:%M} UTC.",
                )
                return redirect("accounts:users")
        return render(request, "accounts/invite.html", {"form": form}, status=400)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _managed_user(request: HttpRequest, pk: int) -> User:
    """404 for users the manager may not manage: a supervisor cannot probe other offices' ids."""
    user = get_object_or_404(User.objects.select_related("office"), pk=pk)
    if not services.can_manage(request.user, user):
        raise Http404("No such user.")
    return user


class UserActionView(UserManagerRequiredMixin, View):
    """POST-only actions on one user: deactivate, reactivate, unlock, reset two-factor."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        user = _managed_user(request, pk)
        try:
            if action == "deactivate":
                services.user_deactivate(by=request.user, user=user)
                messages.success(request, f"{user.full_name} is deactivated; their sessions have ended.")
            elif action == "reactivate":
                services.user_reactivate(by=request.user, user=user)
                messages.success(request, f"{user.full_name} is active again.")
            elif action == "unlock":
                services.user_unlock(by=request.user, user=user)
                messages.success(request, f"{user.full_name}'s account is unlocked.")
            elif action == "reset-otp":
                form = ResetOtpForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "Give a reason for resetting two-factor login.")
                    return redirect("accounts:users")
                services.otp_reset(by=request.user, user=user, reason=form.cleaned_data["reason"])
                messages.success(
                    request, f"{user.full_name} will enrol a new authenticator at their next login."
                )
            else:
                raise Http404("No such action.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("accounts:users")


class UserRoleView(ITGAdminRequiredMixin, View):
    """An ITG administrator moves a user to another role or office; their sessions end so it takes effect."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = get_object_or_404(User, pk=pk)
        form = RoleForm(initial={"role": user.role, "office": user.office_id})
        return render(request, "accounts/user_role.html", {"form": form, "subject": user})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = get_object_or_404(User, pk=pk)
        form = RoleForm(request.POST)
        if form.is_valid():
            try:
                services.user_change_role(by=request.user, user=user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, f"{user.full_name} is now {user.get_role_display()} of {user.office.name}."
                )
                return redirect("accounts:users")
        return render(request, "accounts/user_role.html", {"form": form, "subject": user}, status=400)


class ProfileView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        from rest_framework.authtoken.models import Token

        has_token = Token.objects.filter(user=request.user).exists()
        return render(request, "accounts/profile.html", self._context(request, has_token=has_token))

    @staticmethod
    def _context(request: HttpRequest, **extra) -> dict:
        return {"recovery_left": services.recovery_codes_left(request.user), **extra}

    def post(self, request: HttpRequest) -> HttpResponse:
        from rest_framework.authtoken.models import Token

        if request.POST.get("action") == "recovery-codes":
            codes = services.recovery_codes_generate(user=request.user)
            has_token = Token.objects.filter(user=request.user).exists()
            response = render(
                request, "accounts/profile.html", self._context(request, has_token=has_token, new_codes=codes)
            )
            add_never_cache_headers(response)  # shown once: no copy in any cache or the back button
            return response
        if request.POST.get("action") == "revoke-token":
            services.api_token_revoke(user=request.user)
            messages.success(request, "Your API token is revoked.")
            return redirect("accounts:profile")
        key = services.api_token_create(user=request.user)
        return render(request, "accounts/profile.html", self._context(request, has_token=True, new_token=key))
