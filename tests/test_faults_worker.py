"""Faults with a REAL Celery worker process on Redis (issue 15, item 10; the short CI version of
bench/faults.py): the worker is SIGKILLed while it signs a response, once its pool process and once the
whole worker, and each version ends signed exactly once, with a gapless Bates range and no signed file
left without its row. Committed data (transactional_db), since the worker is another process."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from itg import reconcile
from itg.audit.models import AuditEvent
from subpoenas.responses import services
from subpoenas.responses.models import BatesCounter, IssuedDocument, Response
from tests.conftest import need

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent
STALE = 10  # the worker's RESPONSE_STALE_RENDER_SECONDS (its minimum): a redelivered task waits 15 s
# About a minute on a quiet machine; the waits below are generous because CI shares two cores with other
# jobs, where a worker's start alone took over a minute (they bound a hang, they do not time the work).


def _until(condition: Callable[[], bool], timeout: float, what: str, step: float = 0.05) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Worker:
    def __init__(self, env: dict, queue: str, log: Path):
        self.env, self.queue, self.log, self.proc = env, queue, log, None

    def start(self) -> None:
        with self.log.open("a") as out:
            # A fixed command line (our own interpreter and options): no untrusted input.
            self.proc = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "celery", "-A", "itg", "worker", "-c", "1", "-Q", self.queue,
                 "-l", "warning", "--without-heartbeat", "--without-gossip", "--without-mingle"],
                cwd=ROOT, env=self.env, stdout=out, stderr=out,
            )  # fmt: skip
        _until(
            lambda: bool(self.pool()), 600, f"the worker's pool process (log: {self.log.read_text()[-2000:]})"
        )

    def pool(self) -> list[int]:
        try:
            return [
                int(p)
                for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
            ]
        except (OSError, ValueError):
            return []

    def kill_pool(self) -> None:
        for pid in self.pool():
            os.kill(pid, signal.SIGKILL)

    def kill_all(self) -> None:
        children = self.pool()
        self.proc.kill()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.kill_all()


@pytest.fixture
def worker(redis_url, tmp_path, settings, monkeypatch):
    need(connection.vendor == "postgresql", "PostgreSQL (a worker process shares the test database)")
    from itg.celery import app

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        CELERY_BROKER_URL=redis_url, ITG_VAR_DIR=str(tmp_path), RESPONSE_STALE_RENDER_SECONDS=str(STALE),
        CELERY_VISIBILITY_TIMEOUT="60", DJANGO_SETTINGS_MODULE="itg.settings",
        # Each response of two tracebacks is rendered in three parts by two render processes of the pool
        # process being killed (itg.pdf.render_bates_pdf_parts): the long responses' path.
        RESPONSE_EXHIBITS_PER_PART="1", RESPONSE_RENDER_WORKERS="2",
    )  # fmt: skip
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    w = Worker(env, queue, tmp_path / "worker.log")
    # This process publishes to Redis instead of running tasks eagerly; the services' own queuing is
    # replaced by `publish`, so every message is one the test sent.
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setattr(services, "_queue", lambda response: None)
    monkeypatch.setattr(services, "STALE_RENDER", timedelta(seconds=STALE))

    def publish(response_id: int) -> None:
        from subpoenas.responses.tasks import sign_response

        with app.connection_for_write(redis_url) as conn:
            sign_response.apply_async((response_id,), connection=conn, queue=queue)

    w.publish = publish
    w.start()
    yield w
    w.stop()


def _worked_demand(ivy):
    from subpoenas.responses import evidence
    from tests.responses_helpers import in_progress_demand, make_completed_traceback

    demand = in_progress_demand(phone_numbers=["+12145550142"])
    make_completed_traceback(by=ivy)
    make_completed_traceback(by=ivy)
    request = demand.requests.get(number=1)
    evidence.evidence_propose(request=request, by=ivy)
    evidence.request_answer_set(request=request, kind="produced", by=ivy)
    return demand


def _status(response: Response) -> str:
    return Response.objects.values_list("status", flat=True).get(pk=response.pk)


def _kill_while_rendering(worker: Worker, response: Response, kill: Callable[[], None]) -> None:
    def started() -> bool:
        status = _status(response)
        if status == Response.Status.FAILED:
            error = Response.objects.values_list("error", flat=True).get(pk=response.pk)
            raise AssertionError(f"the render failed: {error}\n{worker.log.read_text()[-3000:]}")
        return status != Response.Status.QUEUED

    _until(started, 600, f"the render to start (worker log: {worker.log})")
    time.sleep(random.uniform(0, 0.4))  # somewhere in rendering, signing or registering
    kill()


def test_a_worker_sigkilled_during_signing_signs_each_version_exactly_once(worker, people):
    first, second = _worked_demand(people.ivy), _worked_demand(people.ivy)
    one = services.response_prepare(demand=first, by=people.ivy)
    two = services.response_prepare(demand=second, by=people.ivy)

    # The pool process dies: the message comes back at once, finds the dead claim fresh, comes back again
    # once it is stale (STALE + 5 s) and takes the render over.
    worker.publish(one.pk)
    _kill_while_rendering(worker, one, worker.kill_pool)
    _until(lambda: _status(one) == Response.Status.SIGNED, 600, "the redelivered task to sign", step=0.5)

    # The whole worker dies: its message is out of reach until the visibility timeout. The sweep (the beat
    # task) fails the stale render with the reason, and the staff's retry signs it on the new worker.
    worker.publish(two.pk)
    _kill_while_rendering(worker, two, worker.kill_all)
    if _status(two) != Response.Status.SIGNED:  # the kill may land after the registration committed
        worker.start()
        _until(
            lambda: services.responses_sweep_stale()["failed"] == 1, 300, "the sweep to fail the lost render"
        )
        two.refresh_from_db()
        assert two.status == Response.Status.FAILED and "worker stopped" in two.error
        services.response_retry(response=two, by=people.ivy)
        worker.publish(two.pk)
        _until(lambda: _status(two) == Response.Status.SIGNED, 600, "the retry to sign", step=0.5)

    for response, demand in ((one, first), (two, second)):
        documents = list(IssuedDocument.objects.filter(kind="response", demand=demand))
        assert len(documents) == 1, f"{demand} signed {len(documents)} times"
        document = documents[0]
        # Each begins a page: the letter, Part I, Part II with exhibit 1, the part of exhibit 2, III, IV.
        assert document.bates_first == 1 and document.bates_last >= 6
        assert BatesCounter.objects.get(demand=demand).last == document.bates_last
        assert Response.objects.get(pk=response.pk).document_id == document.pk
        assert AuditEvent.objects.filter(action="response.signed", object_id=str(response.pk)).count() == 1
    assert not Response.objects.filter(status=Response.Status.RENDERING).exists()
    assert reconcile.missing() == []
    # A kill between storing the signed PDF and registering it leaves a file no row points to; the
    # reconciliation finds exactly those, and removing them keeps every registered file.
    leftovers = reconcile.orphans(grace=timedelta(0))
    assert all(key.startswith("issued/responses/") for key in leftovers)
    from django.core.files.storage import default_storage

    for key in leftovers:
        default_storage.delete(key)
    assert reconcile.orphans(grace=timedelta(0)) == []
    assert all(default_storage.exists(d.storage_key) for d in IssuedDocument.objects.all())
