"""The chain is tamper-evident: edits, deletions, insertions and a truncated tail are each found at the
exact sequence number; the database refuses UPDATE and DELETE; concurrent writers never fork it."""

from __future__ import annotations

import io
import threading
import uuid
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from hypothesis import given
from hypothesis import strategies as st

from itg.audit.actions import Action
from itg.audit.chain import HASHED_FIELDS, canonical, canonical_row, event_hash
from itg.audit.checkpoints import ChainBroken, checkpoint_write, latest_checkpoint
from itg.audit.integrity import chain_verify
from itg.audit.models import AuditEvent
from itg.audit.services import record


def make_events(n: int) -> None:
    for i in range(n):
        record(action=Action.LOGIN_FAILED, actor_email=f"someone{i}@example.org", reason=f"attempt {i}")


@contextmanager
def trigger_bypassed():
    """What an attacker with the database owner's powers would do: switch the append-only trigger off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL session_replication_role = origin")


def tamper(sql: str, params=()) -> None:
    with trigger_bypassed() as cursor:
        cursor.execute(sql, params)


def rehash_from(seq: int) -> None:
    """Rewrite the chain from `seq` with recomputed hashes, as a careful forger would."""
    prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        values = {name: getattr(event, name) for name in HASHED_FIELDS}
        values["prev_hash"] = prev
        new = event_hash(values)
        tamper("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, new, event.seq])
        prev = new


def problem():
    result = chain_verify()
    return (result.report.problem.seq, result.report.problem.kind) if result.report.problem else None


def test_an_untouched_chain_verifies_and_the_command_prints_ok(db):
    make_events(7)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("OK 7 events")


def test_an_edited_event_is_found_at_its_sequence_number(db):
    make_events(10)
    tamper("UPDATE audit_auditevent SET reason = 'nothing happened' WHERE seq = 6")
    assert problem() == (6, "edited")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit_verify", stdout=out)
    assert exit_.value.code == 1
    assert out.getvalue().startswith("FAIL at seq 6: edited")


def test_an_edited_event_with_a_recomputed_hash_is_found_at_its_sequence_number(db):
    make_events(10)
    tamper("UPDATE audit_auditevent SET actor_email = 'nobody@example.org' WHERE seq = 4")
    event = AuditEvent.objects.get(seq=4)
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    tamper("UPDATE audit_auditevent SET hash = %s WHERE seq = 4", [event_hash(values)])
    assert problem() == (4, "edited")


def test_a_deleted_event_is_found_at_its_sequence_number(db):
    make_events(10)
    tamper("DELETE FROM audit_auditevent WHERE seq = 3")
    assert problem() == (3, "missing")


def test_the_first_event_deleted_is_found(db):
    make_events(3)
    tamper("DELETE FROM audit_auditevent WHERE seq = 1")
    assert problem() == (1, "missing")


def _insert_at(seq: int, *, correct_hash: bool) -> None:
    """Shift the events from `seq` up by one and slip a forged event into the hole."""
    for later in AuditEvent.objects.filter(seq__gte=seq).order_by("-seq").values_list("seq", flat=True):
        tamper("UPDATE audit_auditevent SET seq = seq + 1 WHERE seq = %s", [later])
    before = AuditEvent.objects.get(seq=seq - 1)
    forged = {name: getattr(before, name) for name in HASHED_FIELDS}
    forged.update(seq=seq, reason="a forged alibi", prev_hash=before.hash, changes={})
    digest = event_hash(forged) if correct_hash else "f" * 64
    AuditEvent.objects.bulk_create([AuditEvent(**{**forged, "actor_id": forged["actor_id"], "hash": digest})])


@pytest.mark.parametrize("correct_hash", [True, False])
def test_an_inserted_event_is_found_at_its_sequence_number(db, correct_hash):
    make_events(10)
    _insert_at(5, correct_hash=correct_hash)
    assert AuditEvent.objects.count() == 11
    assert problem() == (5, "inserted")


def test_a_truncated_tail_is_found_against_the_last_checkpoint(db):
    make_events(8)
    name, doc = checkpoint_write()  # signs event 8, then records event 9 (audit.checkpoint)
    assert doc["seq"] == 8 and latest_checkpoint()[0] == name
    assert AuditEvent.objects.get(seq=9).action == Action.AUDIT_CHECKPOINT
    assert problem() is None
    tamper("DELETE FROM audit_auditevent WHERE seq >= 7")
    result = chain_verify()
    assert (result.report.problem.seq, result.report.problem.kind) == (7, "truncated")
    assert "covers 8 events" in str(result.report.problem)
    # ...and the next scheduled checkpoint refuses to sign over the damage.
    with pytest.raises(ChainBroken, match="covers 8"):
        checkpoint_write()
    refusal = AuditEvent.objects.order_by("-seq").first()
    assert (refusal.action, refusal.outcome) == (Action.AUDIT_CHECKPOINT, "failed")
    assert "covers 8" in refusal.reason


def test_a_rewritten_chain_is_found_against_the_checkpoint(db):
    make_events(6)
    checkpoint_write()
    tamper("UPDATE audit_auditevent SET reason = 'rewritten' WHERE seq = 3")
    rehash_from(3)  # internally consistent again...
    assert problem() == (6, "rewritten")  # ...but not what the checkpoint signed


def test_a_forged_checkpoint_is_refused_and_a_rotated_key_still_verifies(db, settings):
    from itg.audit.checkpoints import signing_key
    from itg.audit.signing import public_key_text

    make_events(3)
    checkpoint_write()
    old_public = public_key_text(signing_key().public_key())
    settings.AUDIT_SIGNING_KEY = "e02GXyOSWG9+vyvX9E5oaJ9QjWSyaEkKTSMjMgb5i+o="  # another key now verifies
    assert problem() == (3, "checkpoint")
    settings.AUDIT_PREVIOUS_PUBLIC_KEYS = [old_public]  # ...unless the old key was rotated out properly
    assert problem() is None


@pytest.mark.postgres
def test_postgresql_refuses_update_and_delete_of_an_audit_row(postgres):
    make_events(2)
    for sql in (
        "UPDATE audit_auditevent SET reason = 'x' WHERE seq = 1",
        "DELETE FROM audit_auditevent WHERE seq = 2",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(reason="x")
    assert AuditEvent.objects.get(seq=1).reason == "attempt 0" and AuditEvent.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_writers_leave_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is PostgreSQL's (SQLite serializes writers itself)")
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(10):
                with transaction.atomic():
                    record(action=Action.LOGIN_FAILED, actor_email=f"w{n}@example.org", reason=str(i))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 201))
    assert problem() is None


_text = st.text(max_size=12)


@given(
    values=st.fixed_dictionaries(
        {
            "seq": st.integers(1, 10**12),
            "actor_id": st.none() | st.integers(1, 10**9),
            "ip": st.none() | st.ip_addresses().map(str),
            "changes": st.dictionaries(_text, st.lists(st.none() | _text | st.integers(), max_size=2)),
            **{name: _text for name in HASHED_FIELDS if name not in ("seq", "actor_id", "ip", "changes")},
        }
    )
)
def test_the_fast_canonical_form_is_byte_for_byte_the_reference(values):
    row = tuple(values[name] for name in HASHED_FIELDS)
    assert canonical_row(row) == canonical(values)


@pytest.mark.postgres
def test_postgresql_has_the_trigger_and_the_label_search_index(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'audit_auditevent'")
        indexes = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass")
        triggers = {name for (name,) in cursor.fetchall()}
    assert {"audit_label_trgm_idx", "audit_action_idx", "audit_object_state_idx"} <= indexes
    assert "audit_event_append_only" in triggers


def test_the_checkpoint_command_signs_the_head_and_prints_the_public_key(db):
    make_events(4)
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert out.getvalue().startswith("Checkpoint at event 4 (")
    out = io.StringIO()
    call_command("audit_checkpoint", "--public-key", stdout=out)
    assert "key id" in out.getvalue() and len(out.getvalue().split()[0]) == 44
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().startswith("OK 5 events (checkpoint at event 4")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("tampering", "found"),
    [
        ("", None),
        ("UPDATE audit_auditevent SET reason = 'x' WHERE seq = 30", (30, "edited")),
        ("DELETE FROM audit_auditevent WHERE seq = 20", (20, "missing")),  # the last of the first range
        ("DELETE FROM audit_auditevent WHERE seq = 21", (21, "missing")),  # the first of the second
        ("DELETE FROM audit_auditevent WHERE seq >= 39", (39, "truncated")),
    ],
)
def test_parallel_workers_find_what_one_walk_finds(tampering, found):
    if connection.vendor != "postgresql":
        pytest.skip("parallel walks are a PostgreSQL feature")
    make_events(40)
    checkpoint_write()  # signs 40, records 41
    if tampering:
        with transaction.atomic():
            tamper(tampering)
    serial, parallel = chain_verify(), chain_verify(workers=2)
    for result in (serial, parallel):
        problem = result.report.problem
        assert ((problem.seq, problem.kind) if problem else None) == found
    if not found:
        assert (
            (parallel.report.count, parallel.report.links)
            == (41, 40)
            == (serial.report.count, serial.report.links)
        )


def test_checkpoints_live_in_s3_in_production(s3_endpoint, settings, db):
    import boto3

    bucket = f"itg-audit-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket=bucket)  # fmt: skip
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "signature_version": "s3v4",
                "addressing_style": "path",
                "file_overwrite": False,
            },  # fmt: skip
        },
    }
    make_events(3)
    first, _ = checkpoint_write()
    make_events(2)
    second, doc = checkpoint_write()
    assert first != second and latest_checkpoint() == (second, doc) and doc["seq"] == 6
    assert problem() is None
    tamper("DELETE FROM audit_auditevent WHERE seq >= 6")
    assert problem() == (6, "truncated")
