"""The demand list as a CSV or XLSX download: the rows the page shows, with the page's filters.

The rows come from `demands_visible_to` filtered by `subpoenas.filters.DemandFilter`, so a download never
holds a demand its reader could not open. Who downloaded which filters and how many rows is recorded.
Times are UTC (the column names say so); the due date is the issuing state's calendar day.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from itg.audit.actions import Action
from itg.audit.services import record
from itg.exports import check_export, filters_used
from subpoenas.models import LegalDemand

HEADER = ["Tracking number", "Caption", "Kind", "Issuing state", "Issuing authority", "Status", "Date issued",
          "Date served", "Received (UTC)", "Due date", "Due (UTC)", "Clock paused since (UTC)", "Case"]  # fmt: skip
OWNER = "ITG owner"


def demands_export(*, by, rows: QuerySet[LegalDemand], fmt: str, cleaned: dict) -> tuple[list[str], Iterator]:
    """The header and rows of the download, its audit event written first (one COUNT, then the rows in chunks).

    ITG staff also get the case's ITG owner, as their queue shows it; AG offices do not see ITG assignments."""
    count = rows.count()
    check_export(fmt, count)
    record(action=Action.DEMANDS_EXPORTED, by=by, object_type="subpoenas.legaldemand", label=f"{count} demands",
           object_state="" if by.is_itg_staff else by.state,
           changes={"format": fmt, "filters": filters_used(cleaned), "rows": count})  # fmt: skip
    with_owner = by.is_itg_staff
    header = [*HEADER, OWNER] if with_owner else HEADER
    return header, (_row(d, with_owner) for d in rows.select_related("case").iterator(chunk_size=2000))


def _row(d: LegalDemand, with_owner: bool) -> list:
    row = [d.tracking_number, d.caption, d.get_kind_display(), d.state, d.issuing_authority,
           d.get_status_display(), d.date_issued, d.date_served, d.received_at, d.due_date, d.due_at,
           d.paused_since, d.case.title]  # fmt: skip
    if with_owner:
        row.append(d.case.owner.email if d.case.owner else "")
    return row
