"""Writes to campaigns, tracebacks and hops. Each state has one writer here; every change is audited in the
same transaction, and notifications are queued on commit."""

from tracebacks.services.bulk import BulkStartError, traceback_bulk_start
from tracebacks.services.hops import (
    hop_answer,
    hop_answer_refused,
    hop_mark_no_response,
    hop_notify,
    hop_reassign,
    hop_resend,
    hops_mark_overdue,
)
from tracebacks.services.tracebacks import campaign_create, traceback_close, traceback_create

__all__ = [
    "BulkStartError",
    "campaign_create",
    "hop_answer",
    "hop_answer_refused",
    "hop_mark_no_response",
    "hop_notify",
    "hop_reassign",
    "hop_resend",
    "hops_mark_overdue",
    "traceback_bulk_start",
    "traceback_close",
    "traceback_create",
]
