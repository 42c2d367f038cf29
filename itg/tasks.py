"""Queueing a Celery task from a service: only once the change that caused it has committed.

A task started inside the transaction could run before the rows it loads exist (or after they were rolled
back); queued on commit, a rolled-back change queues nothing.
"""

from functools import partial

from django.db import transaction


def enqueue_on_commit(task, *args) -> None:
    """Queue ``task.delay(*args)`` when the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(task.delay, *args))
