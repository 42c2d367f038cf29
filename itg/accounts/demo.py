"""Demo people: one of each role, with a known password and a known two-factor secret.

Only for the embedded demo site (`make run`); `seed_demo` refuses to run when DEBUG is off.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from itg.accounts.models import Office, Role, User
from itg.accounts.services import ag_office, itg_office, office_create

DEMO_PASSWORD = "traceback-demo-2026"  # noqa: S105 - printed by `make run`, demo only


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str
    state: str = ""  # AG offices only
    title: str = ""


DEMO_PEOPLE = (
    DemoPerson(
        "tess@texasattorneygeneral.example", "Tess Alvarez", Role.AG_STAFF, "TX", "Assistant Attorney General"
    ),
    DemoPerson(
        "sam@texasattorneygeneral.example", "Sam Whitfield", Role.AG_SUPERVISOR, "TX", "Division Chief"
    ),
    DemoPerson("carl@oag.ca.example", "Carl Nguyen", Role.AG_STAFF, "CA", "Deputy Attorney General"),
    DemoPerson("nora@ag.ny.example", "Nora Feld", Role.AG_SUPERVISOR, "NY", "Bureau Chief"),
    DemoPerson("ivy@itg.example", "Ivy Chen", Role.ITG_STAFF, "", "Compliance Analyst"),
    DemoPerson("ada@itg.example", "Ada Brooks", Role.ITG_ADMIN, "", "Compliance Director"),
    DemoPerson("aldo@audit.example", "Aldo Ruiz", Role.AUDITOR, "", "Auditor"),
)


def demo_totp_key(email: str) -> str:
    """A fixed 20-byte secret per demo user, so `demo_totp` can print the current code."""
    return hashlib.sha1(f"itg-demo-totp:{email}".encode(), usedforsecurity=False).hexdigest()  # noqa: S324 - demo seed, not a security hash


def _office_for(person: DemoPerson) -> Office:
    if person.state:
        return ag_office(person.state)
    if person.role == Role.AUDITOR:
        office = Office.objects.filter(kind=Office.Kind.AUDIT).first()
        return office or office_create(kind=Office.Kind.AUDIT, name="Office of Inspector General (audit)")
    return itg_office()


def seed_people() -> list[User]:
    """Create the demo people once; running again changes nothing."""
    users = []
    for person in DEMO_PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(
                person.email,
                DEMO_PASSWORD,
                full_name=person.full_name,
                role=person.role,
                office=_office_for(person),
                title=person.title,
            )
        TOTPDevice.objects.get_or_create(
            user=user,
            name="Demo authenticator",
            defaults={"key": demo_totp_key(person.email), "confirmed": True},
        )
        users.append(user)
    return users


def current_code(user: User) -> str:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise LookupError(f"{user.email} has no two-factor device yet.")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
