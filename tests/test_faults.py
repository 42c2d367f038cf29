"""Faults (issue 15, item 10), short versions: a render whose worker died is taken over or swept with a
reason and a retry; stored files without their row are found and removed by `reconcile_storage`.
The long versions (real worker SIGKILLs, PostgreSQL restarts, S3 down) are in bench/faults.py."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from itg.audit.models import AuditEvent
from subpoenas.responses import services, tasks
from subpoenas.responses.models import IssuedDocument, Response


class Retried(Exception):
    pass


@pytest.fixture
def queued(worked, people):
    """Version 1 prepared; its message not yet run."""
    demand, _ = worked
    return services.response_prepare(demand=demand, by=people.ivy)


def _dead_worker_claim(response, age=timedelta(0)):
    Response.objects.filter(pk=response.pk).update(
        status=Response.Status.RENDERING, started_at=timezone.now() - age, progress=20
    )


def test_a_redelivered_task_waits_for_a_dead_claim_to_go_stale_then_takes_it_over(
    queued, monkeypatch, dev_signing
):
    _dead_worker_claim(queued)  # the pool process was SIGKILLed a moment ago; its message comes back at once
    monkeypatch.setattr(tasks.sign_response, "retry", lambda **kw: Retried(kw))
    with pytest.raises(Retried, match="countdown"):
        tasks.sign_response.run(queued.pk)  # not acknowledged as done: it comes back after the stale window
    _dead_worker_claim(queued, age=services.STALE_RENDER + timedelta(seconds=1))
    tasks.sign_response.run(queued.pk)
    queued.refresh_from_db()
    assert queued.status == Response.Status.SIGNED
    assert IssuedDocument.objects.filter(kind="response").count() == 1
    assert (queued.document.bates_first, queued.document.bates_last) == (1, queued.document.bates_last)


def test_the_sweep_fails_a_lost_render_with_the_reason_and_the_retry_signs_it_once(
    queued, people, on_commit, dev_signing
):
    _dead_worker_claim(queued, age=services.STALE_RENDER + timedelta(seconds=1))
    assert services.responses_sweep_stale() == {"failed": 1, "requeued": 0}
    queued.refresh_from_db()
    assert queued.status == Response.Status.FAILED and "worker stopped" in queued.error
    assert (
        AuditEvent.objects.filter(action="response.sign_failed", reason__contains="worker stopped").count()
        == 1
    )
    with on_commit():
        services.response_retry(response=queued, by=people.ivy)
    queued.refresh_from_db()
    assert queued.status == Response.Status.SIGNED and IssuedDocument.objects.count() == 1
    assert services.responses_sweep_stale() == {"failed": 0, "requeued": 0}


def test_the_sweep_requeues_a_version_whose_message_was_lost(queued, monkeypatch):
    Response.objects.filter(pk=queued.pk).update(created_at=timezone.now() - services.STALE_RENDER * 2)
    sent = []
    monkeypatch.setattr(tasks.sign_response, "delay", sent.append)
    assert services.responses_sweep_stale() == {"failed": 0, "requeued": 1} and sent == [queued.pk]


def test_reconcile_storage_lists_and_removes_orphans_and_keeps_registered_files(signed):
    _demand, response, _ = signed
    registered = response.document.storage_key
    orphan = default_storage.save("responses/2026/orphan-signed.pdf", ContentFile(b"%PDF-1.7 signed, no row"))
    young = default_storage.save("responses/2026/in-flight.pdf", ContentFile(b"%PDF-1.7 being registered"))
    old = time.time() - 2 * 3600
    os.utime(default_storage.path(orphan), (old, old))
    os.utime(default_storage.path(registered), (old, old))
    out = io.StringIO()
    call_command("reconcile_storage", stdout=out)
    assert (
        f"orphan  {orphan}" in out.getvalue()
        and young not in out.getvalue()
        and registered not in out.getvalue()
    )
    assert "1 orphan file(s) found" in out.getvalue() and default_storage.exists(orphan)
    call_command("reconcile_storage", "--repair", stdout=io.StringIO())
    assert (
        not default_storage.exists(orphan)
        and default_storage.exists(registered)
        and default_storage.exists(young)
    )


# --- A database restart mid-request (found by bench/faults.py) ------------------------------------------------


def test_a_database_restart_before_the_commit_is_a_retryable_503_and_leaves_no_file_no_row_no_slot(
    people, settings, monkeypatch
):
    """The connection dies after intake stored the file, before the Idempotency-Key's transaction commits.
    Before: a 500 HTML page, and the stored object left behind (the intake's own cleanup had already run)."""
    from pathlib import Path

    from django.db import OperationalError

    from subpoenas import selectors
    from subpoenas.models import IdempotencyKey, LegalDemand
    from tests.test_demand_intake import api_as, form

    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(selectors, "demand_for", connection_lost)
    client = api_as(people.tess)
    response = client.post("/api/demands/", form(), format="multipart", HTTP_IDEMPOTENCY_KEY="restart-1")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert "not saved" in response.json()["detail"] and "Idempotency-Key" in response.json()["detail"]
    assert not LegalDemand.objects.exists() and not IdempotencyKey.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_a_page_whose_middleware_hits_a_restarting_database_answers_a_503_page_not_a_500(client, people):
    """Outages raised outside any view (the session middleware) reach only handler500."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    from tests.factories import verified_login

    verified_login(client, people.tess)
    client.raise_request_exception = False

    def connection_lost(self, *args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SessionStore, "load", connection_lost)
        page = client.get("/demands/")
        api = client.get("/api/demands/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert b"The portal is restarting a service" in page.content and b"not saved" in page.content
    assert api.status_code == 503 and "not saved" in api.json()["detail"]
