"""Writes of the ecosystem: the findings' settings and the monthly snapshots. Each audited in its transaction."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from itg.audit.actions import Action
from itg.audit.services import record
from itg.exports import rows_csv
from tracebacks.ecosystem import findings as engine
from tracebacks.ecosystem import selectors
from tracebacks.ecosystem.models import FindingSettings, FindingSnapshot

SETTING_FIELDS = ("window_months", "window_start", "window_end", "threshold_a", "threshold_b", "threshold_c",
                  "threshold_d")  # fmt: skip


def _check_settings(values: dict) -> None:
    errors = {}
    for name in ("threshold_a", "threshold_b", "threshold_c", "threshold_d"):
        if values[name] is None or values[name] < 1:
            errors[name] = (
                "A threshold must be a whole number of 1 or more (a finding needs at least one traceback)."
            )
    if values["window_months"] is None or values["window_months"] < 1:
        errors["window_months"] = "The rolling window must be at least 1 month."
    start, end = values["window_start"], values["window_end"]
    if bool(start) != bool(end):
        errors["window_end" if start else "window_start"] = (
            "Give both the first and the last day of a fixed window, or neither for the rolling window."
        )
    elif start and end < start:
        errors["window_end"] = f"The window ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def finding_settings_update(*, by, **values) -> FindingSettings:
    """Change the thresholds and window; refused whole (nothing saved) when a value is out of range."""
    _check_settings(values)
    row = FindingSettings.objects.select_for_update().get(pk=selectors.finding_settings().pk)
    changes = {
        k: [str(getattr(row, k) or ""), str(values[k] or "")]
        for k in SETTING_FIELDS
        if getattr(row, k) != values[k]
    }
    if not changes:
        return row
    for name in SETTING_FIELDS:
        setattr(row, name, values[name])
    row.updated_at, row.updated_by = timezone.now(), by
    row.save()
    record(action=Action.FINDING_SETTINGS_CHANGED, by=by, obj=row, changes=changes)
    return row


def month_window(month: date, months: int) -> engine.Window:
    """The report of a month: the `months` months ending on the month's last day."""
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return engine.Window(engine.months_back(last, months), last)


def snapshot_csv(snapshot: FindingSnapshot) -> bytes:
    """The snapshot's CSV, from its frozen rows only: the same bytes whatever happened to the tracebacks since."""
    return rows_csv(selectors.CSV_HEADER, snapshot.rows)


def finding_snapshot_make(*, month: date, by=None) -> FindingSnapshot:
    """Freeze the findings of a month (idempotent: an existing snapshot is returned unchanged, never redone,
    since its point is to show what the report said then)."""
    month = month.replace(day=1)
    if existing := FindingSnapshot.objects.filter(month=month).first():
        return existing
    row = selectors.finding_settings()
    window = month_window(month, row.window_months)
    thresholds = selectors.thresholds_of(row)
    rows = selectors.finding_rows(engine.findings(window, thresholds))
    try:
        with transaction.atomic():
            snap = FindingSnapshot.objects.create(
                month=month, window_start=window.start, window_end=window.end, thresholds=thresholds.as_dict(),
                rows=rows, csv_sha256=hashlib.sha256(rows_csv(selectors.CSV_HEADER, rows)).hexdigest(),
                created_by=by,
            )  # fmt: skip
            record(action=Action.FINDINGS_SNAPSHOT_MADE, by=by, obj=snap, actor_email="" if by else "beat task",
                   changes={"findings": len(rows), "window": str(window), "csv_sha256": snap.csv_sha256})  # fmt: skip
    except IntegrityError:  # made by another process a moment ago
        return FindingSnapshot.objects.get(month=month)
    return snap
