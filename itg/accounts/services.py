"""Writes to accounts: offices, invitations, activation, deactivation, two-factor resets, unlocks.

Each is one atomic function that checks who may do it, changes the rows and writes its audit event
in the same transaction; e-mail goes out only after commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from itg.accounts.models import ROLES_BY_OFFICE_KIND, Invitation, LoginSession, Office, Role, User
from itg.audit.actions import Action
from itg.audit.services import record
from itg.calendar import JURISDICTIONS, tz_for

ITG_OFFICE_NAME = "Industry Traceback Group"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def office_create(
    *, kind: str, name: str, state: str = "", email: str = "", by: User | None = None
) -> Office:
    """Create an office and the group that carries its explicit shares."""
    if kind == Office.Kind.AG and state not in JURISDICTIONS:
        raise ValidationError({"state": "Choose one of the 56 US attorney-general jurisdictions."})
    zone = str(tz_for(state)) if state else "America/New_York"
    group = Group.objects.create(name=f"office:{slugify(name)[:120]}")
    office = Office.objects.create(
        kind=kind, name=name, state=state, time_zone=zone, email=email, group=group
    )
    record(action=Action.OFFICE_CREATED, by=by, obj=office)
    return office


def itg_office() -> Office:
    office = Office.objects.filter(kind=Office.Kind.ITG).first()
    return office or office_create(kind=Office.Kind.ITG, name=ITG_OFFICE_NAME)


def ag_office(state: str) -> Office:
    office = Office.objects.filter(kind=Office.Kind.AG, state=state).first()
    if office is None:
        name = f"Office of the Attorney General of {JURISDICTIONS[state][0]}"
        office = office_create(kind=Office.Kind.AG, name=name, state=state)
    return office


def can_manage(by: User, user: User) -> bool:
    """ITG administrators manage everyone; an AG supervisor manages the staff of their own office."""
    if by.is_itg_admin:
        return True
    return by.is_ag_supervisor and user.office_id == by.office_id and user.is_ag_staff


def _check_invite(by: User, office: Office, role: str) -> None:
    if role not in ROLES_BY_OFFICE_KIND[office.kind]:
        raise ValidationError({"role": f"A {Role(role).label} cannot belong to {office.name}."})
    if by.is_itg_admin:
        return
    if by.is_ag_supervisor and office.pk == by.office_id:
        return
    raise PermissionDenied("You may only invite staff of your own office.")


@transaction.atomic
def user_invite(*, by: User, email: str, full_name: str, office: Office, role: str) -> tuple[Invitation, str]:
    """Invite someone by e-mail; returns the invitation and its one-time link (also e-mailed)."""
    _check_invite(by, office, role)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "A user with this e-mail address already exists."})
    Invitation.objects.filter(email__iexact=email, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name.strip(),
        office=office,
        role=role,
        token_hash=_token_hash(token),
        invited_by=by,
        expires_at=timezone.now() + timedelta(hours=settings.INVITATION_VALID_HOURS),
    )
    record(
        action=Action.USER_INVITED,
        by=by,
        obj=invitation,
        object_state=office.state,
        changes={"email": [None, email], "role": [None, role], "office": [None, office.name]},
    )
    link = settings.SITE_URL + reverse("accounts:invitation", args=[token])
    transaction.on_commit(lambda: _send_invitation(invitation, link))
    return invitation, link


def _send_invitation(invitation: Invitation, link: str) -> None:
    hours = settings.INVITATION_VALID_HOURS
    send_mail(
        subject="Your invitation to the ITG Portal",
        message=(
            f"Hello {invitation.full_name},\n\n{invitation.invited_by.full_name} invited you to the ITG Portal "
            f"as {invitation.get_role_display()} of {invitation.office.name}.\n\nSet your password and enrol "
            f"two-factor login here (the link works once and expires in {hours} hours):\n{link}\n"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_for_token(token: str) -> Invitation | None:
    invitation = Invitation.objects.select_related("office").filter(token_hash=_token_hash(token)).first()
    return invitation if invitation and invitation.is_usable else None


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Create the invited user with their chosen password; the link is then spent."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise ValidationError(
            "This invitation link has expired or was already used. Ask for a new invitation."
        )
    user = User(
        email=invitation.email, full_name=invitation.full_name, office=invitation.office, role=invitation.role
    )
    validate_password(password, user)
    # Compare-and-set: two tabs submitting the same link create one user.
    if not Invitation.objects.filter(pk=invitation.pk, accepted_at=None).update(accepted_at=timezone.now()):
        raise ValidationError("This invitation link was already used.")
    user.set_password(password)
    user.save()
    Invitation.objects.filter(pk=invitation.pk).update(user=user)
    record(action=Action.USER_ACTIVATED, by=user, obj=user)
    otp_enrolment_device(user=user)
    return user


def otp_enrolment_device(*, user: User) -> TOTPDevice | None:
    """The authenticator a user without a confirmed one enrols (None when they have one): made when they sign
    in with their password or accept their invitation, so that the set-up page only shows it."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def _end_sessions(user: User) -> None:
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()


@transaction.atomic
def user_deactivate(*, by: User, user: User) -> User:
    """Deactivate a user; their sessions and API token end at once."""
    if not can_manage(by, user) or by.pk == user.pk:
        raise PermissionDenied("You cannot deactivate this user.")
    User.objects.filter(pk=user.pk).update(is_active=False, deactivated_at=timezone.now())
    user.is_active = False
    _end_sessions(user)
    Token.objects.filter(user=user).delete()
    record(
        action=Action.USER_DEACTIVATED,
        by=by,
        obj=user,
        changes={"is_active": [True, False]},
    )
    return user


@transaction.atomic
def user_reactivate(*, by: User, user: User) -> User:
    if not can_manage(by, user):
        raise PermissionDenied("You cannot reactivate this user.")
    User.objects.filter(pk=user.pk).update(is_active=True, deactivated_at=None)
    user.is_active = True
    record(
        action=Action.USER_REACTIVATED,
        by=by,
        obj=user,
        changes={"is_active": [False, True]},
    )
    return user


@transaction.atomic
def user_change_role(*, by: User, user: User, role: str, office: Office) -> User:
    if not by.is_itg_admin:
        raise PermissionDenied("Only ITG administrators change roles and offices.")
    if role not in ROLES_BY_OFFICE_KIND[office.kind]:
        raise ValidationError({"role": f"A {Role(role).label} cannot belong to {office.name}."})
    changes = {}
    if user.role != role:
        changes["role"] = [user.role, role]
    if user.office_id != office.pk:
        changes["office"] = [user.office.name, office.name]
    if changes:
        User.objects.filter(pk=user.pk).update(role=role, office=office)
        user.role, user.office = role, office
        _end_sessions(user)  # new rights take effect at a fresh login
        record(action=Action.USER_ROLE_CHANGED, by=by, obj=user, object_state=office.state, changes=changes)
    return user


@transaction.atomic
def otp_reset(*, by: User, user: User, reason: str) -> None:
    """A lost authenticator: remove the user's devices; they enrol again at their next login."""
    if not by.is_itg_admin:
        raise PermissionDenied("Only ITG administrators reset two-factor login.")
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why the authenticator is being reset (e.g. how identity was checked)."}
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()  # the recovery codes went with the lost phone, maybe
    _end_sessions(user)
    record(action=Action.OTP_RESET, by=by, obj=user, reason=reason.strip())


def lock_started(*, email: str, ip: str | None, account: bool, address: bool) -> None:
    """A new lock (CJIS AC-7): an account locked for 30 minutes, or an address throttled across accounts.

    An account lock is recorded, its owner e-mailed (a lock they did not cause means someone is guessing),
    and the ITG administrators alerted when the same account is locked again and again."""
    from itg.accounts.lockout import REPEATED_LOCK_ALERT, REPEATED_LOCK_PERIOD, locked_until
    from itg.audit.models import AuditEvent
    from itg.notifications.services import notify

    if address:
        record(action=Action.ADDRESS_THROTTLED, actor_email=email[:254], outcome="denied",
               reason=f"too many failed logins from {ip or 'this address'} across accounts")  # fmt: skip
    if not account:
        return
    user = User.objects.filter(email__iexact=email).first()
    until = locked_until(email)
    when = f"{until:%H:%M} UTC on {until:%-d %B %Y}" if until else "in 30 minutes"
    record(action=Action.LOCKED_OUT, by=None, actor_email=email[:254], obj=user, outcome="denied",
           reason=f"5 failed attempts within 15 minutes: locked until {when}")  # fmt: skip
    if user is None:
        return
    transaction.on_commit(lambda: send_mail(
        "Your ITG Portal account is locked",
        f"Your account {user.email} was locked after 5 failed login attempts (the last from {ip or 'an unknown address'}).\n"
        f"It unlocks by itself at {when}, or an ITG administrator can unlock it sooner.\n\n"
        "If these attempts were not yours, tell the ITG: someone may be guessing your password.\n",
        None, [user.email], fail_silently=True,
    ))  # fmt: skip
    since = timezone.now() - REPEATED_LOCK_PERIOD
    locks = AuditEvent.objects.filter(
        action=Action.LOCKED_OUT, actor_email=email[:254], at__gte=since
    ).count()
    if locks >= REPEATED_LOCK_ALERT:
        admins = User.objects.filter(role=Role.ITG_ADMIN, is_active=True)
        notify(users=admins, title=f"Account locked {locks} times in 24 hours: {user.email}",
               body=f"{user.email} ({user.office}) was locked {locks} times since {since:%-d %b %H:%M} UTC; the last "
                    f"attempt came from {ip or 'an unknown address'}. Someone may be guessing its password.",
               url=reverse("accounts:users"), key=f"repeated-lock:{user.pk}:{timezone.now():%Y-%m-%d}")  # fmt: skip


@transaction.atomic
def user_unlock(*, by: User, user: User) -> None:
    if not by.is_itg_admin:
        raise PermissionDenied("Only ITG administrators unlock accounts.")
    axes_reset(username=user.email)
    record(action=Action.UNLOCKED, by=by, obj=user)


@transaction.atomic
def otp_enrol_confirm(*, user: User, device: TOTPDevice, code: str) -> bool:
    """Confirm a new authenticator with a first code from it."""
    if not device.verify_token(code):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    record(action=Action.OTP_ENROLLED, by=user, obj=user)
    return True


@transaction.atomic
def otp_login_complete(*, request, device: TOTPDevice) -> None:
    """The second factor was accepted: the session becomes verified, under a new key, and it is recorded.

    The key is rotated here as it was at the password step (OWASP session management: renew the session
    id at every privilege change), so a key learnt before the code was entered is worth nothing after it.
    The session register follows the new key, so deactivation still ends this session."""
    from django_otp import login as otp_login

    old_key = request.session.session_key
    otp_login(request, device)
    request.session.cycle_key()
    if old_key:
        LoginSession.objects.filter(session_key=old_key).update(session_key=request.session.session_key)
    record(
        action=Action.OTP_VERIFIED, by=request.user, obj=request.user, reason=f"device {device.name}"[:500]
    )


@transaction.atomic
def api_token_create(*, user: User) -> str:
    """A new API token (any previous one stops working); shown to the user once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    record(action=Action.API_TOKEN_CREATED, by=user, obj=user)
    return token.key


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    if Token.objects.filter(user=user).delete()[0]:
        record(action=Action.API_TOKEN_REVOKED, by=user, obj=user)


# --- Two-factor recovery codes (django-otp's static device) -----------------------------------------------

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"


def recovery_code_display(token: str) -> str:
    """`abcd-efgh`: django-otp's 8 base32 characters (40 random bits), in two groups for reading aloud."""
    return f"{token[:4]}-{token[4:]}"


def recovery_code_normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


@transaction.atomic
def recovery_codes_generate(*, user: User) -> list[str]:
    """Ten new one-time recovery codes for a user with an authenticator; any earlier ones stop working.

    Returned once, for display: the page that shows them is the only place they appear (never e-mailed,
    never in the audit trail, which records only that a set was made)."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError("Set up your authenticator app first; recovery codes stand in for it.")
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    tokens = {StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT * 2)}
    tokens = sorted(tokens)[:RECOVERY_CODE_COUNT]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in tokens)
    record(action=Action.RECOVERY_CODES_GENERATED, by=user, obj=user, reason=f"{len(tokens)} codes")
    return [recovery_code_display(t) for t in tokens]


def recovery_codes_left(user: User) -> int | None:
    """How many unused codes the user has, or None if they never generated any."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return None if device is None else device.token_set.count()


@transaction.atomic
def recovery_code_use(*, user: User, code: str) -> StaticDevice | None:
    """Spend one recovery code: the device it belongs to if it was valid and unused, else None.

    The code is deleted by a single DELETE, so two logins racing with the same code cannot both succeed
    (django-otp's own verify_token reads, then deletes). Wrong codes count towards django-otp's growing
    delay like wrong authenticator codes."""
    device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None or not device.verify_is_allowed()[0]:
        return None
    deleted, _ = StaticToken.objects.filter(device=device, token=recovery_code_normalise(code)).delete()
    if not deleted:
        device.throttle_increment()
        return None
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    left = device.token_set.count()
    record(action=Action.RECOVERY_CODE_USED, by=user, obj=user, reason=f"{left} codes left")
    return device
