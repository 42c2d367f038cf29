"""The traceback list as a CSV or XLSX download, with the page's filters (ITG staff only); recorded.

Numbers are E.164 (`+1…`) and provider names come from the public RMD: both start cells that spreadsheets
would run as formulas, which `itg.exports` neutralises."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from itg.audit.actions import Action
from itg.audit.services import record
from itg.exports import check_export, filters_used
from tracebacks.models import Traceback

HEADER = ["Traceback", "Campaign", "Call (UTC)", "Caller's zone", "Calling number", "Called number", "Source",
          "Status", "Hops", "Originating provider", "Gateway provider", "Started (UTC)", "Ended (UTC)"]  # fmt: skip


def tracebacks_export(
    *, by, rows: QuerySet[Traceback], fmt: str, cleaned: dict
) -> tuple[list[str], Iterator]:
    """The header and rows of the download, its audit event written first (one COUNT, then the rows)."""
    count = rows.count()
    check_export(fmt, count)
    record(action=Action.TRACEBACKS_EXPORTED, by=by, object_type="tracebacks.traceback",
           label=f"{count} tracebacks", changes={"format": fmt, "filters": filters_used(cleaned), "rows": count})  # fmt: skip
    return HEADER, (_row(t) for t in rows.iterator(chunk_size=2000))


def _row(t: Traceback) -> list:
    origin, gateway = t.originating_provider, t.gateway_provider
    return [t.pk, t.campaign.name, t.call_at, t.call_tz, t.calling_number, t.called_number, t.get_source_display(),
            t.get_status_display(), t.hop_count, origin.business_name if origin else "",
            gateway.business_name if gateway else "", t.created_at, t.ended_at]  # fmt: skip
