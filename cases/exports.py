"""The case list as a CSV or XLSX download, with the page's filters, through the access layer; recorded."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, QuerySet

from cases.models import Case
from itg.audit.actions import Action
from itg.audit.services import record
from itg.exports import check_export, filters_used

HEADER = ["Case", "Lead state", "Reference", "ITG owner", "Demands", "Opened (UTC)"]


def cases_export(*, by, rows: QuerySet[Case], fmt: str, cleaned: dict) -> tuple[list[str], Iterator]:
    """The header and rows of the download, its audit event written first (one COUNT, then the rows)."""
    count = rows.count()
    check_export(fmt, count)
    record(action=Action.CASES_EXPORTED, by=by, object_type="cases.case", label=f"{count} cases",
           object_state="" if by.is_itg_staff else by.state,
           changes={"format": fmt, "filters": filters_used(cleaned), "rows": count})  # fmt: skip
    # The demand count is an aggregate of the same query (no query per row).
    rows = rows.annotate(demand_count=Count("demands"))
    return HEADER, (
        [c.title, c.lead_state, c.reference, c.owner.email if c.owner else "", c.demand_count, c.created_at]
        for c in rows.iterator(chunk_size=2000)
    )
