"""Builders for test data, through the real services where they exist."""

from __future__ import annotations

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Case
from itg.accounts.models import Office, User
from itg.accounts.services import ag_office, itg_office, office_create

PASSWORD = "a long test password 42"  # noqa: S105


def office_for(role: str, state: str = "") -> Office:
    if state:
        return ag_office(state)
    if role == "auditor":
        office = Office.objects.filter(kind=Office.Kind.AUDIT).first()
        return office or office_create(kind=Office.Kind.AUDIT, name="Audit office")
    return itg_office()


def make_user(name: str, role: str, state: str = "", *, with_device: bool = True) -> User:
    user = User.objects.create_user(
        f"{name}@{(state or role).lower().replace('_', '-')}.example",
        PASSWORD,
        full_name=name.title(),
        role=role,
        office=office_for(role, state),
    )
    if with_device:
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


def verified_login(client: Client, user: User) -> Client:
    """Log in as if the password and the two-factor code were both given."""
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def make_case(state: str, title: str = "", *, by: User | None = None) -> Case:
    creator = (
        by
        or User.objects.filter(role__in=["itg_staff", "itg_admin"]).first()
        or make_user("maker", "itg_staff")
    )
    return Case.objects.create(title=title or f"A {state} matter", lead_state=state, created_by=creator)


def current_code(user: User) -> str:
    from itg.accounts.demo import current_code as code

    return code(user)


# --- Providers and tracebacks (issue 5) -------------------------------------------------------------------
_provider_seq = iter(range(1, 10**6))


def make_provider(
    name: str = "", *, foreign: bool = False, email: str | None = None, tz: str = "America/New_York", **extra
):
    from providers.models import Provider

    n = next(_provider_seq)
    return Provider.objects.create(
        rmd_number=f"RMD9{n:06d}",
        frn=f"{9000000000 + n}",
        business_name=name or f"Provider {n} LLC",
        is_foreign=foreign,
        country="Elsewhere" if foreign else "United States of America",
        traceback_email=f"traceback@provider{n}.example" if email is None else email,
        time_zone=tz,
        stir_shaken="yes",
        is_voice_service=True,
        **extra,
    )


def make_campaign(name: str = "SSA-CalltheSSA", kind: str = "ssa"):
    from tracebacks.models import Campaign

    return Campaign.objects.get_or_create(name=name, defaults={"kind": kind, "legal_basis": "TCPA"})[0]


def start_traceback(
    by: User, terminating, *, campaign=None, now=None, calling="+12025550143", called="+13125550199"
):
    """A traceback started through the real service (hop 1 opened, its provider notified on commit)."""
    from datetime import timedelta

    from django.utils import timezone

    from tracebacks.services import traceback_create

    now = now or timezone.now()
    return traceback_create(
        by=by,
        campaign=campaign or make_campaign(),
        call_at=now - timedelta(days=2),
        call_tz="America/Chicago",
        calling_number=calling,
        called_number=called,
        source="honeypot",
        terminating_provider=terminating,
        transcript="This message is intended to contact you regarding your social security number. Press 1.",
        now=now,
    )
