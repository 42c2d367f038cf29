"""The workflow of a response version: which step moves it from which states to which, who takes the step,
and the one writer of `Response.status` (a compare-and-set, like the demand's `subpoenas/workflow.py`).

queued → rendering → signed → delivered, with rendering → failed → queued (the staff's retry). The ITG's
staff retry and deliver; the signing task (a Celery worker) claims, renders and signs; the sweep (the beat,
every minute) fails a render whose worker died. `subpoenas.responses.services` decides when to take each
step and writes the audit row; only `move` below writes the status.

Why a failed version may be claimed again by a redelivered task. Tasks run with `acks_late` and
`task_reject_on_worker_lost` (itg/settings.py): a message is acknowledged only when its task returns, so the
message of a render whose worker was SIGKILLed is delivered again: at once when a pool process died, after
the broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT, two hours by default) when the whole worker
died. Meanwhile the sweep has marked the lost render failed, with the reason, so the staff see it and may
retry. When the message comes back it finds the version failed, and "claim" takes it from `failed` as well as
from `queued`: the message is the same request to sign the same frozen version, nothing has been stored for
the dead render, and leaving the version failed would only wait for a person to press retry for work a
live message is offering to do. Taking it again is safe because
- the claim is this compare-and-set, so of the redelivered message, the staff's retry message and any
  duplicate exactly one worker renders (the others find it `rendering` and stop);
- registration locks the demand's Bates counter and checks the range the render used is still the next one,
  so a second render can never leave a gap or reuse numbers;
- the database lets one signed document exist per version (`issued_once_per_version`), and "sign" moves
  only a `rendering` version that has no document yet; a loser discards its stored file.
A render that failed by itself (a signing configuration error, a bad exhibit) is acknowledged when its task
returns, so no redelivery claims it; only the staff's retry or a duplicate message does, and a duplicate
then fails the same way, or signs once the cause is fixed. A `signed` or `delivered` version is never
claimed: nothing claims out of those states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from subpoenas.responses.models import Response

R = Response.Status
ITG = "itg"  # ITG staff, through the pages or the API
WORKER = "worker"  # the signing task (subpoenas.responses.tasks.sign_response)
SWEEP = "sweep"  # the beat's sweep of lost renders (subpoenas.responses.tasks.sweep_stale_renders)


@dataclass(frozen=True)
class Step:
    sources: frozenset[str]
    target: str
    who: str


TRANSITIONS: dict[str, Step] = {
    # From `rendering` only when the claim went stale (see `claim_condition`): its worker died.
    "claim": Step(frozenset({R.QUEUED, R.FAILED, R.RENDERING}), R.RENDERING, WORKER),
    # The heartbeat of a live render: its progress and a fresh `started_at`.
    "progress": Step(frozenset({R.RENDERING}), R.RENDERING, WORKER),
    "sign": Step(frozenset({R.RENDERING}), R.SIGNED, WORKER),
    "fail": Step(frozenset({R.RENDERING}), R.FAILED, WORKER),
    "fail_lost": Step(frozenset({R.RENDERING}), R.FAILED, SWEEP),
    "retry": Step(frozenset({R.FAILED}), R.QUEUED, ITG),
    "deliver": Step(frozenset({R.SIGNED}), R.DELIVERED, ITG),
}


def claim_condition(now: datetime, stale_after: timedelta) -> Q:
    """What "claim" adds to its sources: a version another worker is rendering is taken only once that
    worker's heartbeat is older than `stale_after` (it is dead, not slow)."""
    return ~Q(status=R.RENDERING) | Q(started_at__lt=now - stale_after)


def move(response: Response | int, step: str, *, when: Q | None = None, **fields) -> bool:
    """Take `step` with one `UPDATE … WHERE id = %s AND status IN (sources) [AND when]`, writing the target
    status and `fields`; True when this call won. On a win a Response passed in holds the new values.

    The only writer of `Response.status` (tests/test_one_way.py holds the tree to it)."""
    transition = TRANSITIONS[step]
    pk = response.pk if isinstance(response, Response) else response
    rows = Response.objects.filter(pk=pk, status__in=transition.sources)
    if when is not None:
        rows = rows.filter(when)
    won = bool(rows.update(status=transition.target, **fields))
    if won and isinstance(response, Response):
        for name, value in {"status": transition.target, **fields}.items():
            setattr(response, name, value)
    return won
