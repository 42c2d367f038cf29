"""Login with password and TOTP, enrolment, lockout, invitations, deactivation, two-factor resets."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from itg.accounts import services
from itg.accounts.lockout import is_locked
from itg.accounts.models import Invitation, Role, User
from itg.audit.models import AuditEvent
from tests.factories import PASSWORD, verified_login


def code_for(user: User, *, offset_steps: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():06d}"


def log_in(client, user, password=PASSWORD):
    return client.post("/accounts/login/", {"username": user.email, "password": password})


def test_login_needs_password_then_code(client, people):
    response = log_in(client, people.tess)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    # Between the two steps, no page but verification (and logout) is reachable.
    for url in ("/", "/cases/", "/accounts/profile/", "/accounts/two-factor/setup/"):
        assert client.get(url)["Location"].startswith("/accounts/two-factor/")
    assert client.get("/api/cases/").status_code == 403
    response = client.post("/accounts/two-factor/", {"code": code_for(people.tess), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "Office of the Attorney General of Texas" in home.content.decode()
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["auth.login", "auth.otp_verified"]


def test_a_reused_code_is_refused(client, people):
    code = code_for(people.tess)
    log_in(client, people.tess)
    assert client.post("/accounts/two-factor/", {"code": code})["Location"] == "/"
    client.post("/accounts/logout/")
    log_in(client, people.tess)
    response = client.post("/accounts/two-factor/", {"code": code})
    assert response.status_code == 200
    assert "wrong, expired or already used" in response.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/two-factor/")
    assert AuditEvent.objects.filter(action="auth.otp_failed", actor_email=people.tess.email).count() == 1


def test_malformed_code_gets_a_clear_message(client, people):
    log_in(client, people.tess)
    response = client.post("/accounts/two-factor/", {"code": "12ab"})
    assert "Enter the six digits" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, people):
    for _ in range(4):
        response = log_in(client, people.tess, "wrong password")
        assert "password is wrong" in response.content.decode()
    response = log_in(client, people.tess, "wrong password")
    assert response.status_code == 403 and "locked" in response.content.decode()
    assert is_locked(people.tess.email)
    response = log_in(client, people.tess)  # the right password, still refused
    assert response.status_code == 403 and "Ask an ITG administrator" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account is not affected.
    assert log_in(client, people.carl).status_code == 302
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_email=people.tess.email).count() >= 5
    assert AuditEvent.objects.filter(action="auth.locked_out", actor_email=people.tess.email).exists()
    # Only an administrator unlocks.
    services.user_unlock(by=people.ada, user=people.tess)
    assert not is_locked(people.tess.email)
    assert log_in(client, people.tess).status_code == 302


def test_failures_spread_beyond_fifteen_minutes_do_not_lock(client, people, settings):
    from axes.models import AccessAttempt

    for _ in range(4):
        log_in(client, people.tess, "wrong password")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    log_in(client, people.tess, "wrong password")
    assert not is_locked(people.tess.email)


def test_wrong_codes_count_towards_the_lockout(client, people):
    log_in(client, people.tess)
    for _ in range(5):
        response = client.post("/accounts/two-factor/", {"code": "000000"})
    assert response.status_code == 403 and "locked" in response.content.decode()
    assert is_locked(people.tess.email)
    assert "_auth_user_id" not in client.session


def test_a_new_user_enrols_two_factor_with_a_qr_code_drawn_by_the_app(
    client, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, link = services.user_invite(
            by=people.ada,
            email="newbie@itg.example",
            full_name="New Analyst",
            office=people.ivy.office,
            role=Role.ITG_STAFF,
        )
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    path = link.split("127.0.0.1:8000", 1)[1]
    page = client.get(path)
    assert "New Analyst" in page.content.decode()
    weak = client.post(path, {"password1": "password123", "password2": "password123"})
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    assert not User.objects.filter(email="newbie@itg.example").exists()
    response = client.post(
        path, {"password1": "orange kettle harbour 9", "password2": "orange kettle harbour 9"}
    )
    assert response["Location"] == "/accounts/two-factor/setup/"
    setup = client.get("/accounts/two-factor/setup/").content.decode()
    assert "<svg" in setup and "otpauth" not in setup  # drawn inline, the secret only inside the QR and key
    user = User.objects.get(email="newbie@itg.example")
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = client.post("/accounts/two-factor/setup/", {"code": f"{totp.token():06d}"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_enrolled", actor_email=user.email).exists()
    # The link is spent.
    assert client.get(path).status_code == 410


def test_an_expired_invitation_is_refused(client, people):
    invitation, link = services.user_invite(
        by=people.ada,
        email="late@itg.example",
        full_name="Late",
        office=people.ivy.office,
        role=Role.ITG_STAFF,
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    path = link.split("127.0.0.1:8000", 1)[1]
    response = client.post(
        path, {"password1": "orange kettle harbour 9", "password2": "orange kettle harbour 9"}
    )
    assert response.status_code == 410 and "cannot be used" in response.content.decode()
    assert not User.objects.filter(email="late@itg.example").exists()


def test_supervisors_invite_only_into_their_own_office(client, people):
    verified_login(client, people.sam)
    response = client.post(
        "/accounts/users/invite/",
        {
            "full_name": "Paralegal",
            "email": "para@texas.example",
            "office": people.carl.office.pk,
            "role": "ag_staff",
        },
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()
    response = client.post(
        "/accounts/users/invite/",
        {
            "full_name": "Paralegal",
            "email": "para@texas.example",
            "office": people.tess.office.pk,
            "role": "itg_admin",
        },
    )
    assert response.status_code == 400 and not Invitation.objects.exists()
    response = client.post(
        "/accounts/users/invite/",
        {
            "full_name": "Paralegal",
            "email": "para@texas.example",
            "office": people.tess.office.pk,
            "role": "ag_staff",
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.get().office == people.tess.office


def test_supervisor_deactivates_own_staff_and_their_sessions_end_at_once(client, people):
    tess_client = type(client)()
    log_in(tess_client, people.tess)
    tess_client.post("/accounts/two-factor/", {"code": code_for(people.tess)})
    assert tess_client.get("/").status_code == 200
    verified_login(client, people.sam)
    assert client.post(f"/accounts/users/{people.carl.pk}/deactivate/").status_code == 404  # another office
    assert client.post(f"/accounts/users/{people.tess.pk}/deactivate/").status_code == 302
    assert tess_client.get("/").status_code == 302  # session gone
    assert not Session.objects.filter(session_key=tess_client.session.session_key).exists()
    assert log_in(tess_client, people.tess).status_code == 200  # inactive users cannot log in
    event = AuditEvent.objects.get(action="user.deactivated")
    assert (event.actor_email, event.object_id) == (people.sam.email, str(people.tess.pk))


def test_admin_resets_a_lost_authenticator_with_a_reason(client, people):
    verified_login(client, people.ada)
    client.post(f"/accounts/users/{people.tess.pk}/reset-otp/", {"reason": ""})
    assert TOTPDevice.objects.filter(user=people.tess).exists()
    client.post(
        f"/accounts/users/{people.tess.pk}/reset-otp/", {"reason": "Called back on the office number"}
    )
    assert not TOTPDevice.objects.filter(user=people.tess).exists()
    event = AuditEvent.objects.get(action="auth.otp_reset")
    assert event.reason == "Called back on the office number"
    # A supervisor cannot reset two-factor.
    verified_login(client, people.sam)
    client.post(f"/accounts/users/{people.tess.pk}/reset-otp/", {"reason": "x"})
    assert AuditEvent.objects.filter(action="auth.otp_reset").count() == 1


def test_the_django_admin_is_for_verified_itg_administrators_only(client, people):
    for user in (people.ivy, people.sam, people.aldo):
        verified_login(client, user)
        assert client.get("/admin/").status_code in (302, 403)
    client.force_login(people.ada)  # password only, no code yet
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/")
    verified_login(client, people.ada)
    assert client.get("/admin/").status_code == 200


def test_api_token_acts_as_the_user(client, people):
    verified_login(client, people.tess)
    page = client.post("/accounts/profile/", {"action": "create"}).content.decode()
    key = re.search(r'<code class="secret">([0-9a-f]{40})</code>', page).group(1)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/me/").json()["email"] == people.tess.email
    client.post("/accounts/profile/", {"action": "revoke-token"})
    assert api.get("/api/me/").status_code == 401


@pytest.mark.parametrize("role_user", ["tess", "sam", "carl", "ivy", "ada", "aldo"])
def test_each_role_has_a_home_page(client, people, role_user):
    user = getattr(people, role_user)
    verified_login(client, user)
    body = client.get("/").content.decode()
    expected = {
        "ag_staff": user.office.name,
        "ag_supervisor": user.office.name,
        "itg_staff": "ITG compliance",
        "itg_admin": "ITG compliance",
        "auditor": "Audit trail",
    }[user.role]
    assert expected in body
    assert ("Users" in body) == (user.is_itg_admin or user.is_ag_supervisor)


def test_a_session_idle_for_thirty_minutes_ends(client, people):
    from freezegun import freeze_time

    log_in(client, people.ivy)
    client.post("/accounts/two-factor/", {"code": code_for(people.ivy)})
    with freeze_time(timezone.now() + timedelta(minutes=29)):
        assert client.get("/").status_code == 200  # activity renews the session
    with freeze_time(timezone.now() + timedelta(minutes=29 + 31)):
        assert client.get("/")["Location"].startswith("/accounts/login/")


def test_activity_renews_the_session_at_most_once_a_minute(client, people):
    """A page view within a minute of the last renewal writes nothing to the session table; one after a
    minute moves the session's expiry (and the last-seen cookie) to that request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from freezegun import freeze_time

    from itg.accounts.middleware import LAST_SEEN_COOKIE

    verified_login(client, people.ivy)
    client.get("/")
    key = client.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert "Demands" in client.get("/demands/").content.decode()
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if "django_session" in q["sql"] and "UPDATE" in q["sql"]
        ]
        assert writes == []
    assert Session.objects.get(session_key=key).expire_date == expiry
    later = timezone.now() + timedelta(seconds=61)
    with freeze_time(later):
        assert "Demands" in client.get("/demands/").content.decode()
        assert client.cookies[LAST_SEEN_COOKIE].value.startswith(f"{int(later.timestamp())}:")
    renewed = Session.objects.get(session_key=key).expire_date
    assert abs((renewed - (later + timedelta(minutes=30))).total_seconds()) < 2


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_api_docs_are_served_locally_to_signed_in_users(client, people, url):
    assert client.get(url).status_code in (401, 403)
    for user in (people.tess, people.ivy, people.aldo):
        verified_login(client, user)
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "cdn" not in body.lower() and "unpkg" not in body.lower() and "jsdelivr" not in body.lower()
        if url == "/api/schema/":
            assert "/api/cases/" in body and "verifiedSessionAuth" in body


def test_admin_pages_are_read_only_views(client, people):
    verified_login(client, people.ada)
    page = client.get("/admin/accounts/user/").content.decode()
    assert people.tess.email in page
    assert client.get(f"/admin/accounts/user/{people.tess.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/accounts/user/{people.tess.pk}/change/", {"role": "itg_admin"}).status_code
        == 403
    )
    people.tess.refresh_from_db()
    assert people.tess.role == "ag_staff"
    assert (
        client.get("/admin/accounts/office/").content.decode().count("Office of the Attorney General of")
        >= 56
    )


def test_offices_of_all_56_jurisdictions_exist_from_the_migrations(db):
    from itg.accounts.models import Office

    assert Office.objects.filter(kind="ag").count() == 56
    assert Office.objects.get(state="TX").time_zone == "America/Chicago"


def test_an_administrator_changes_a_role_and_office_with_an_audit_record(client, people):
    verified_login(client, people.ada)
    bad = client.post(
        f"/accounts/users/{people.tess.pk}/role/", {"role": "itg_staff", "office": people.tess.office_id}
    )
    assert bad.status_code == 400 and "cannot belong to" in bad.content.decode()
    ok = client.post(
        f"/accounts/users/{people.tess.pk}/role/", {"role": "ag_supervisor", "office": people.tess.office_id}
    )
    assert ok.status_code == 302
    people.tess.refresh_from_db()
    assert people.tess.role == "ag_supervisor"
    event = AuditEvent.objects.get(action="user.role_changed")
    assert event.changes == {"role": ["ag_staff", "ag_supervisor"]} and event.object_state == "TX"
    for user in (people.sam, people.ivy, people.aldo):
        verified_login(client, user)
        assert client.get(f"/accounts/users/{people.carl.pk}/role/").status_code == 403


def test_the_set_up_page_makes_no_device_the_sign_in_does(client, people):
    """A GET creates no row: the device to enrol is made by the password step (or the accepted invitation)."""
    TOTPDevice.objects.filter(user=people.tess).delete()  # as after a two-factor reset
    client.force_login(people.tess)
    opened = client.get("/accounts/two-factor/setup/")
    assert opened.status_code == 302 and opened["Location"] == "/accounts/login/"
    assert not TOTPDevice.objects.filter(user=people.tess).exists()
    signed_in = log_in(client, people.tess)
    assert signed_in["Location"].startswith("/accounts/two-factor/setup/")
    device = TOTPDevice.objects.get(user=people.tess, confirmed=False)
    for _ in range(2):
        setup = client.get("/accounts/two-factor/setup/")
        assert setup.status_code == 200 and "<svg" in setup.content.decode()
    assert list(TOTPDevice.objects.filter(user=people.tess)) == [device]
