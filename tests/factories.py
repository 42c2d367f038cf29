"""Builders for test data, through the real services where they exist."""

from __future__ import annotations

import time

from django.core import signing
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Case
from itg.accounts.middleware import LAST_SEEN_COOKIE, LAST_SEEN_SALT, RENEWED_KEY
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
    # As the real login's responses do (itg/accounts/middleware.py): the session renewed, the last-seen cookie.
    now = int(time.time())
    session[RENEWED_KEY] = now
    session.save()
    signer = signing.get_cookie_signer(salt=LAST_SEEN_COOKIE + LAST_SEEN_SALT)
    client.cookies[LAST_SEEN_COOKIE] = signer.sign(str(now))
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


# --- Legal demands ----------------------------------------------------------------------------------

DEMAND_TEXT = """SUBPOENA DUCES TECUM
Issued March 2, 2026 by the Consumer Protection Division.
Return date: on or before April 1, 2026.
REQUEST NO. 1: All call detail records for calls from (214) 555-0142 between 01/05/2026 and 02/10/2026.
REQUEST NO. 2: Subscriber information for 469-555-0199 and the upstream provider of those calls.
"""


def pdf_bytes(text: str = DEMAND_TEXT) -> bytes:
    """A small real PDF with selectable text (WeasyPrint), for intake and extraction tests."""
    from html import escape

    from weasyprint import HTML

    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())
    return HTML(string=f"<html><body style='font-family: DejaVu Sans'>{paragraphs}</body></html>").write_pdf()


_PDF_CACHE: dict[str, bytes] = {}


def cached_pdf(text: str = DEMAND_TEXT) -> bytes:
    if text not in _PDF_CACHE:
        _PDF_CACHE[text] = pdf_bytes(text)
    return _PDF_CACHE[text]


def encrypted_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript_pdf() -> bytes:
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hi');")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_demand(state: str = "TX", caption: str = "", *, by: User | None = None, case: Case | None = None,
                status: str = "", signed_receipt: bool = True, **terms):  # fmt: skip
    """A received demand through the real intake service (the file stored as in production), with its receipt
    signed as the intake task signs it.

    The intake service queues that task on commit, and a test's transaction never commits, so the task runs
    only where a test runs the commit's callbacks (the `on_commit` fixture, which also sends the e-mails).
    The factory signs with the task's own service instead, and no e-mail is sent; `signed_receipt=False`
    leaves the demand as it is between intake and the task."""
    import uuid
    from datetime import date

    from itg.uploads import as_upload, check_upload
    from subpoenas.intake import DemandInput, RequestInput, demand_receive_uploads
    from subpoenas.models import LegalDemand

    by = (
        by
        or User.objects.filter(office__state=state, role__in=["ag_staff", "ag_supervisor"]).first()
        or make_user(f"ag{state.lower()}", "ag_staff", state)
    )
    data = DemandInput(
        kind="subpoena", caption=caption or f"In re robocalls {uuid.uuid4().hex[:6]}", issuing_authority="AG",
        date_issued=terms.pop("date_issued", date(2026, 3, 2)), date_served=terms.pop("date_served", date(2026, 3, 2)),
        contact_name="Contact", contact_email="contact@example.org", case_id=case.pk if case else None,
        new_case_title="" if case else f"A {state} matter", requests=[RequestInput(1, "All records.", ["214-555-0142"])],
        confirm_duplicate=True,
        **(terms if "return_date" in terms else {"response_days": 30, "response_day_kind": "business"} | terms),
    )  # fmt: skip
    main = check_upload(as_upload(cached_pdf(), "demand.pdf"), allowed={"application/pdf"})
    demand = demand_receive_uploads(by=by, data=data, main=main, attachments=[])
    if signed_receipt:
        from subpoenas.receipts import receipt_sign

        receipt_sign(demand)
    if status:
        LegalDemand.objects.filter(pk=demand.pk).update(status=status)
        demand.status = status
    return demand


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
