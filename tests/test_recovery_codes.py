"""Two-factor recovery codes (issue 13 item 6): shown once, each usable once, audited, regenerated."""

from __future__ import annotations

import re

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from itg.accounts import services
from itg.audit.models import AuditEvent
from tests.factories import PASSWORD, verified_login

CODE = re.compile(r'<code class="secret">([a-z2-7]{4}-[a-z2-7]{4})</code>')


def generate(client) -> list[str]:
    response = client.post("/accounts/profile/", {"action": "recovery-codes"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # shown once: not kept by a cache or the back button
    return CODE.findall(response.content.decode())


def half_logged_in(client, user):
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/two-factor/")
    return client


def test_codes_are_shown_once_and_only_counted_afterwards(client, people):
    verified_login(client, people.tess)
    assert "You have no recovery codes." in client.get("/accounts/profile/").content.decode()

    codes = generate(client)

    assert len(codes) == 10 == len(set(codes))
    later = client.get("/accounts/profile/").content.decode()
    assert "10 unused codes left." in later and not CODE.findall(later)
    event = AuditEvent.objects.get(action="auth.recovery_codes_generated")
    assert event.actor_id == people.tess.pk and event.reason == "10 codes"
    assert not any(code.replace("-", "") in str(event.changes) + event.reason for code in codes)


def test_a_recovery_code_logs_in_once(client, people, django_user_model):
    verified_login(client, people.tess)
    codes = generate(client)
    client.post("/accounts/logout/")

    half_logged_in(client, people.tess)
    page = client.get("/accounts/two-factor/").content.decode()
    assert "Use a recovery code instead" in page and 'name="recovery_code"' in page
    done = client.post("/accounts/two-factor/", {"recovery_code": codes[3].upper(), "next": "/cases/"})
    assert done.status_code == 302 and done["Location"] == "/cases/"
    landed = client.get("/cases/", follow=True).content.decode()
    assert "You logged in with a recovery code; it cannot be used again. 9 codes left" in landed
    assert AuditEvent.objects.get(action="auth.recovery_code_used").reason == "9 codes left"
    assert AuditEvent.objects.filter(action="auth.otp_verified", actor=people.tess).exists()
    client.post("/accounts/logout/")

    half_logged_in(client, people.tess)
    again = client.post("/accounts/two-factor/", {"recovery_code": codes[3]})
    assert (
        again.status_code == 400
        and "That recovery code is wrong or was already used." in again.content.decode()
    )
    assert client.get("/cases/")["Location"].startswith("/accounts/two-factor/")  # still not verified
    assert AuditEvent.objects.filter(action="auth.otp_failed", actor_email=people.tess.email).count() == 1
    assert StaticToken.objects.filter(device__user=people.tess).count() == 9


def test_a_malformed_code_is_explained_and_not_counted_as_a_guess(client, people):
    verified_login(client, people.tess)
    generate(client)
    client.post("/accounts/logout/")
    half_logged_in(client, people.tess)
    response = client.post("/accounts/two-factor/", {"recovery_code": "123"})
    assert response.status_code == 400 and "eight letters and digits" in response.content.decode()
    assert StaticToken.objects.filter(device__user=people.tess).count() == 10


def test_new_codes_cancel_the_old_ones(client, people):
    verified_login(client, people.ivy)
    old = generate(client)
    new = generate(client)
    assert not set(old) & set(new)
    assert StaticDevice.objects.filter(user=people.ivy).count() == 1
    assert services.recovery_code_use(user=people.ivy, code=new[0]) is not None
    assert services.recovery_code_use(user=people.ivy, code=old[0]) is None
    assert not StaticToken.objects.filter(token__in=[c.replace("-", "") for c in old]).exists()
    assert AuditEvent.objects.filter(action="auth.recovery_codes_generated", actor=people.ivy).count() == 2


def test_another_users_code_does_not_work(client, people):
    verified_login(client, people.tess)
    codes = generate(client)
    assert services.recovery_code_use(user=people.carl, code=codes[0]) is None
    assert StaticToken.objects.filter(device__user=people.tess).count() == 10


def test_an_administrator_reset_removes_the_recovery_codes_too(client, people):
    verified_login(client, people.tess)
    generate(client)
    services.otp_reset(by=people.ada, user=people.tess, reason="Phone and wallet stolen; identity checked")
    assert not StaticDevice.objects.filter(user=people.tess).exists()
