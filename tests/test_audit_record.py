"""Writing the trail: every registered action is recordable with every field filled, a failed audit write
fails the action it describes, and the checkpoint key and schedule are what production expects."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction

from cases.models import Case
from cases.services import case_create
from itg.audit import context
from itg.audit.actions import Action, Outcome
from itg.audit.checkpoints import _development_key
from itg.audit.models import AuditEvent
from itg.audit.services import record
from itg.audit.signing import key_id
from tests.factories import make_case, verified_login


@pytest.fixture
def request_context():
    token = context.set_current(
        context.RequestContext(
            ip="2001:0db8:0000:0000:0000:0000:0000:0001", user_agent="Firefox/140", request_id="req-42"
        )  # fmt: skip
    )
    yield
    context.reset(token)


@pytest.mark.parametrize("action", list(Action))
def test_each_registered_action_produces_exactly_one_event_with_every_field_filled(
    people, request_context, action
):
    case = make_case("TX", "Texas warranty calls")
    before = AuditEvent.objects.count()
    event = record(
        action=action,
        by=people.sam,
        obj=case,
        outcome=Outcome.SUCCESS,
        reason="because the test says so",
        changes={"title": ["old", "new"]},
    )
    assert AuditEvent.objects.count() == before + 1
    stored = AuditEvent.objects.get(pk=event.pk)
    empty = [f.name for f in AuditEvent._meta.fields if getattr(stored, f.attname) in ("", None, {})]
    assert empty == [], f"{action}: {empty} left empty"
    assert (stored.action, stored.actor_email, stored.actor_role, stored.actor_state) == (
        action.value,
        people.sam.email,
        "ag_supervisor",
        "TX",
    )
    assert (stored.object_type, stored.object_id, stored.object_state) == ("cases.case", str(case.pk), "TX")
    assert (stored.ip, stored.user_agent, stored.request_id) == ("2001:db8::1", "Firefox/140", "req-42")
    assert stored.hash_verifies and stored.seq == before + 1


def test_an_unknown_action_is_refused(db):
    with pytest.raises(ValueError, match="Unknown audit action 'case.teleported'"):
        record(action="case.teleported")


def test_a_garbage_client_address_is_not_stored_and_does_not_break_the_request(db):
    token = context.set_current(context.RequestContext(ip="unknown, 10.0.0.1"))
    try:
        event = record(action=Action.LOGIN_FAILED, actor_email="x@example.org")
    finally:
        context.reset(token)
    assert AuditEvent.objects.get(pk=event.pk).ip is None


def test_a_failing_audit_write_rolls_back_the_action_it_records(people, monkeypatch):
    def broken_create(**values):
        raise IntegrityError("the audit table is unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", broken_create)
    with pytest.raises(IntegrityError):
        case_create(by=people.ivy, title="Never opened", lead_state="TX")
    assert not Case.objects.filter(title="Never opened").exists()


def test_a_failing_audit_write_fails_the_page_too(client, people, monkeypatch):
    case = make_case("TX", "Texas warranty calls")
    verified_login(client, people.tess)
    monkeypatch.setattr(
        AuditEvent.objects, "create", lambda **values: (_ for _ in ()).throw(IntegrityError("down"))
    )
    client.raise_request_exception = False
    assert client.get(case.get_absolute_url()).status_code == 500  # no page without its audit record


def test_a_denied_page_view_is_recorded_with_who_and_where(client, people):
    case = make_case("CA", "California SSA calls")
    verified_login(client, people.tess)
    assert client.get(case.get_absolute_url(), REMOTE_ADDR="198.51.100.7").status_code == 404
    event = AuditEvent.objects.get(action=Action.CASE_VIEW_DENIED)
    assert (event.actor_email, event.actor_state, event.object_id, event.outcome, event.ip) == (
        people.tess.email,
        "TX",
        str(case.pk),
        "denied",
        "198.51.100.7",
    )
    assert event.request_id and event.hash_verifies


def test_the_development_key_is_generated_once_even_by_racing_processes(tmp_path):
    path = tmp_path / "var" / "audit-signing-key.pem"
    keys: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        keys.append(key_id(_development_key(path).public_key()))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys) == 8
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in path.parent.iterdir()] == ["audit-signing-key.pem"]  # no temporary left


def test_checkpoints_are_scheduled_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]
    assert entry == {"task": "itg.audit.tasks.write_checkpoint", "schedule": 300.0}


def test_the_checkpoint_task_writes_a_signed_checkpoint(db):
    from itg.audit.checkpoints import checkpoint_is_genuine, latest_checkpoint
    from itg.audit.tasks import write_checkpoint

    record(action=Action.LOGIN_FAILED, actor_email="x@example.org")
    with transaction.atomic():
        name = write_checkpoint.delay().get()
    latest_name, doc = latest_checkpoint()
    assert latest_name == name and doc["seq"] == 1 and checkpoint_is_genuine(doc)
    assert AuditEvent.objects.get(seq=2).object_label == name


@pytest.mark.parametrize("raw", ["2001:0DB8:0:0:0:0:0:1", "::ffff:192.0.2.1", " 192.0.2.9 "])
def test_addresses_are_stored_in_the_form_they_were_hashed_in(db, raw):
    from itg.audit.integrity import chain_verify

    token = context.set_current(context.RequestContext(ip=raw))
    try:
        event = record(action=Action.LOGIN_FAILED, actor_email="x@example.org", reason='é "quoted" \n')
    finally:
        context.reset(token)
    assert AuditEvent.objects.get(pk=event.pk).hash_verifies
    assert chain_verify().report.ok  # the fast reader (host(ip) on PostgreSQL) agrees


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw_not_the_one_the_client_claims(rf, settings):
    from itg.audit.middleware import client_ip

    settings.AXES_IPWARE_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.5"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"  # no header: the proxy itself
    settings.AXES_IPWARE_PROXY_COUNT = None
    assert client_ip(request) == "10.0.0.2"  # not behind a proxy: the header is ignored


def test_an_object_state_that_is_not_a_jurisdiction_is_refused_on_every_database(db):
    with pytest.raises(
        ValueError, match="object_state must be a two-letter jurisdiction code, not 'preparing'"
    ):
        record(action=Action.CASE_VIEWED, object_type="cases.case", object_id="1", object_state="preparing")
    assert not AuditEvent.objects.exists()
