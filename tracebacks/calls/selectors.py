"""Reads of the call store. Call data is ITG work: every caller here has passed the ITG staff gate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet
from django.shortcuts import get_object_or_404

from tracebacks.phones import e164

from .models import CallRecord, ImportJob, Source


@dataclass(frozen=True)
class CallFilters:
    number: str = ""
    date_from: date | None = None
    date_to: date | None = None
    source: str = ""
    state: str = ""
    campaign: int | None = None
    words: str = ""


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time(0), UTC)


def call_list(f: CallFilters) -> QuerySet[CallRecord]:
    """Newest first. A number in any format matches calling or called number (normalised the way the
    importers normalise); dates are UTC days, so a range keeps PostgreSQL to the months it covers."""
    rows = CallRecord.objects.all()
    if f.number:
        number = e164(f.number) or f.number.strip()
        rows = rows.filter(Q(calling_number=number) | Q(called_number=number))
    if f.date_from:
        rows = rows.filter(call_at__gte=_day_start(f.date_from))
    if f.date_to:
        rows = rows.filter(call_at__lt=_day_start(f.date_to + timedelta(days=1)))
    if f.source:
        rows = rows.filter(source=f.source)
    if f.state:
        rows = rows.filter(called_state=f.state.upper())
    if f.campaign:
        rows = rows.filter(campaign_id=f.campaign)
    for word in f.words.split()[:8]:
        rows = rows.filter(transcript__icontains=word)
    return rows.select_related("campaign").order_by("-call_at", "-id")


def call_for(pk: int) -> CallRecord:
    return get_object_or_404(CallRecord.objects.select_related("campaign", "provider", "job"), pk=pk)


def observations_of(record: CallRecord) -> list[CallRecord]:
    """Every row of the same call (item 5), this one included, in time order."""
    group = record.call_group or record.pk
    near = CallRecord.objects.filter(
        calling_number=record.calling_number,
        call_at__range=(record.call_at - timedelta(hours=1), record.call_at + timedelta(hours=1)),
    )  # the window keeps the query to one or two partitions
    return list(near.filter(Q(call_group=group) | Q(pk=group)).order_by("call_at", "id"))


def jobs_recent(limit: int = 30) -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("created_by", "provider").order_by("-created_at", "-pk")[:limit]


def job_for(pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("created_by", "provider"), pk=pk)


@dataclass(frozen=True)
class SourceSummary:
    source: str
    label: str
    rows: int
    first: datetime | None
    last: datetime | None
    last_import: ImportJob | None
    reject_rate: float | None


def source_summaries() -> list[SourceSummary]:
    """One line per source: rows, date span, last import and its reject rate (2 queries in all)."""
    stats = {r["source"]: r for r in CallRecord.objects.values("source").annotate(
        rows=Count("id"), first=Min("call_at"), last=Max("call_at"))}  # fmt: skip
    last_jobs: dict[str, ImportJob] = {}
    for job in ImportJob.objects.filter(status=ImportJob.Status.DONE).order_by("-finished_at")[:200]:
        last_jobs.setdefault(job.source, job)
    out = []
    for value, label in Source.choices:
        s, job = stats.get(value, {}), last_jobs.get(value)
        rate = job.rejected / job.rows_read if job and job.rows_read else None
        out.append(SourceSummary(value, label, s.get("rows", 0), s.get("first"), s.get("last"), job, rate))
    return out
