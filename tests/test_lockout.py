"""Lockout as CJIS AC-7 writes it (issue 15, item 7): 30 minutes or an administrator; the owner e-mailed;
administrators alerted on repeated locks; one client address cannot lock many accounts."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from itg.accounts import services
from itg.accounts.lockout import ADDRESS_FAILURE_LIMIT, is_locked
from itg.audit.models import AuditEvent
from itg.notifications.models import Notification
from tests.factories import PASSWORD, make_user

T0 = "2026-03-02 15:00:00"


def log_in(client, user, password="wrong password", ip="203.0.113.9"):  # noqa: S107 - a test password
    return client.post("/accounts/login/", {"username": user.email, "password": password}, REMOTE_ADDR=ip)


def lock(client, user, ip="203.0.113.9"):
    for _ in range(5):
        response = log_in(client, user, ip=ip)
    return response


def test_a_lock_lasts_thirty_minutes_then_lifts_by_itself(client, people, django_capture_on_commit_callbacks):
    with freeze_time(T0) as frozen:
        with django_capture_on_commit_callbacks(execute=True):
            response = lock(client, people.tess)
        assert response.status_code == 403
        assert (
            "locked for 30 minutes" in response.content.decode() and "15:30 UTC" in response.content.decode()
        )
        frozen.tick(timedelta(minutes=29))
        assert is_locked(people.tess.email)
        assert log_in(client, people.tess, PASSWORD).status_code == 403  # the right password, still refused
        frozen.tick(timedelta(minutes=2))  # 31 minutes after the lock; the refused attempt did not extend it
        assert not is_locked(people.tess.email)
        assert log_in(client, people.tess, PASSWORD).status_code == 302
    (event,) = AuditEvent.objects.filter(action="auth.locked_out")  # once per lock, not per refused attempt
    assert event.actor_email == people.tess.email and "locked until 15:30 UTC" in event.reason
    (owner_mail,) = [m for m in mail.outbox if m.to == [people.tess.email]]
    assert (
        "locked" in owner_mail.subject and "203.0.113.9" in owner_mail.body and "15:30 UTC" in owner_mail.body
    )


def test_an_administrator_unlocks_before_the_thirty_minutes(client, people):
    with freeze_time(T0) as frozen:
        lock(client, people.tess)
        frozen.tick(timedelta(minutes=5))
        services.user_unlock(by=people.ada, user=people.tess)
        assert log_in(client, people.tess, PASSWORD).status_code == 302


def test_administrators_are_alerted_when_an_account_is_locked_repeatedly(
    client, people, django_capture_on_commit_callbacks
):
    with freeze_time(T0) as frozen, django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            lock(client, people.tess, ip=f"198.51.100.{n + 1}")
            frozen.tick(timedelta(minutes=31))
            alerts = Notification.objects.filter(user=people.ada, title__contains=people.tess.email)
            assert alerts.count() == (1 if n == 2 else 0)
        lock(client, people.tess, ip="198.51.100.9")  # a fourth lock the same day: no second alert
    (alert,) = Notification.objects.filter(user=people.ada)
    assert "locked 3 times in 24 hours" in alert.title and "198.51.100.3" in alert.body
    assert not Notification.objects.filter(user=people.tess, title__contains="locked").exists()
    assert any(people.ada.email in m.to and "locked 3 times" in m.subject for m in mail.outbox)


def test_one_address_cannot_lock_many_accounts(client, people):
    victims = [people.tess, people.sam, people.carl, people.nora] + [
        make_user(f"v{i}", "ag_staff", "FL") for i in range(4)
    ]
    with freeze_time(T0):
        for victim in victims:  # an attacker's script: five guesses at each account it can name
            for _ in range(5):
                log_in(client, victim, ip="192.0.2.66")
        locked = [v.email for v in victims if is_locked(v.email)]
        assert len(locked) == ADDRESS_FAILURE_LIMIT // 5 == 2
        refused = log_in(client, people.ivy, ip="192.0.2.66")
        assert refused.status_code == 403 and "from your network address" in refused.content.decode()
        # The victims log in from their own addresses; the throttled address locked nobody else.
        assert log_in(client, people.nora, PASSWORD, ip="198.51.100.20").status_code == 302
    assert AuditEvent.objects.filter(action="auth.address_throttled").count() == 1
    assert AuditEvent.objects.filter(action="auth.locked_out").count() == 2


def test_the_address_throttle_ends_with_the_window(client, people):
    with freeze_time(T0) as frozen:
        for victim in (people.tess, people.sam):
            for _ in range(5):
                log_in(client, victim, ip="192.0.2.66")
        assert log_in(client, people.carl, PASSWORD, ip="192.0.2.66").status_code == 403
        frozen.tick(timedelta(minutes=16))
        assert log_in(client, people.carl, PASSWORD, ip="192.0.2.66").status_code == 302


def test_failures_spread_beyond_the_window_never_lock(client, people):
    start = timezone.datetime.fromisoformat(T0)
    for minutes in (0, 4, 8, 12, 28, 32, 36, 40):  # never 5 within 15 minutes
        with freeze_time(start + timedelta(minutes=minutes)):
            log_in(client, people.tess)
    assert not is_locked(people.tess.email)
