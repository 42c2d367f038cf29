"""Trend pages and their API (ITG staff and AG users), read from the daily rollup only.

Access: ITG staff see every page. An AG user sees the national picture and their own state's page; any
other state's page, CSV or API answers 404 (a state code reveals nothing). Nobody sees call-level data
here: every figure is a count of calls per day, campaign, source or state."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.views import View
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from itg.accounts.roles import IsMatterUser, MatterUserRequiredMixin
from itg.calendar import JURISDICTIONS
from itg.exports import CSV_CONTENT_TYPE, csv_lines
from tracebacks.detection import charts, rollups

DEFAULT_DAYS = 28
MAX_DAYS = 366


def state_for(user, code: str) -> str:
    """The state code if the user may see that state's page, else 404."""
    code = (code or "").upper()
    if code not in JURISDICTIONS:
        raise Http404
    if user.is_itg_staff or (user.is_ag_staff and user.state == code):
        return code
    raise Http404


def _period(request) -> tuple[dt.date, dt.date, int]:
    try:
        days = min(MAX_DAYS, max(7, int(request.GET.get("days", DEFAULT_DAYS))))
    except ValueError:
        days = DEFAULT_DAYS
    try:
        end = dt.date.fromisoformat(request.GET["end"]) if request.GET.get("end") else rollups.latest_day()
    except ValueError:
        end = rollups.latest_day()
    return end - dt.timedelta(days=days - 1), end, days


def report(*, start: dt.date, end: dt.date, state: str = "", per_state: bool = False) -> dict:
    """Every table of a trend page. A fixed number of queries, whatever the data's size."""
    daily = rollups.daily(start=start, end=end, state=state)  # 1: calls per day
    return {
        "daily": daily,
        "weekly": rollups.weekly(daily),
        "by_source": rollups.by_field("source", start=start, end=end, state=state),  # 1
        # Other states' numbers are ITG-only: the per-state table is built for ITG staff's national page.
        "by_state": rollups.by_field("state", start=start, end=end) if per_state and not state else [],  # 1
        "top": rollups.top_campaigns(start=start, end=end, state=state),  # 3: now, before, names
        "new": rollups.new_campaigns(end=end, state=state),  # 2: first days, names
        "storms": rollups.storms(start=start, end=end, state=state),  # 2: series, names
        "total": sum(n for _, n in daily),
    }


TABLES = {
    "daily": (["day", "calls"], lambda r: [(d.isoformat(), n) for d, n in r["daily"]]),
    "weekly": (["week_of", "calls"], lambda r: [(d.isoformat(), n) for d, n in r["weekly"]]),
    "sources": (["source", "calls"], lambda r: r["by_source"]),
    "states": (["state", "calls"], lambda r: r["by_state"]),
    "top": (
        ["campaign", "calls", "previous_period", "change_percent"],
        lambda r: [(t["name"], t["calls"], t["previous"], t["change"]) for t in r["top"]],
    ),
    "new": (
        ["campaign", "first_day", "calls"],
        lambda r: [(t["name"], t["first"], t["calls"]) for t in r["new"]],
    ),
    "storms": (
        ["campaign", "day", "calls", "baseline_median"],
        lambda r: [(t["name"], t["day"], t["calls"], t["baseline"]) for t in r["storms"]],
    ),
}


def _page(request, *, state: str = "") -> HttpResponse:
    start, end, days = _period(request)
    r = report(start=start, end=end, state=state, per_state=request.user.is_itg_staff)
    where = JURISDICTIONS[state][0] if state else "the United States"
    context = {
        "r": r,
        "state": state,
        "state_name": JURISDICTIONS[state][0] if state else "",
        "start": start,
        "end": end,
        "days": days,
        "daily_chart": charts.bar_chart(
            [(d.strftime("%b %d"), n) for d, n in r["daily"]],
            title=f"Calls per day, {where}",
            table_id="t-daily",
        ),
        "weekly_chart": charts.bar_chart(
            [(d.strftime("%b %d"), n) for d, n in r["weekly"]],
            title=f"Calls per week, {where}",
            table_id="t-weekly",
            height=180,
        ),  # fmt: skip
        "storm_rule": rollups.STORM_RULE,
        "own_state": request.user.state if request.user.is_ag_staff else "",
        "query": f"days={days}&end={end.isoformat()}",
    }
    return render(request, "detection/trends.html", context)


def _csv(request, table: str, *, state: str = "") -> StreamingHttpResponse:
    if table not in TABLES:
        raise Http404
    start, end, _ = _period(request)
    header, rows = TABLES[table]
    if table == "states" and not request.user.is_itg_staff:
        raise Http404
    r = report(start=start, end=end, state=state, per_state=request.user.is_itg_staff)
    name = f"trends-{state.lower() or 'national'}-{table}-{start}-{end}.csv"
    resp = StreamingHttpResponse(csv_lines(header, rows(r)), content_type=CSV_CONTENT_TYPE)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


class NationalView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _page(request)


class StateView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        return _page(request, state=state_for(request.user, code))


class NationalCSV(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest, table: str) -> StreamingHttpResponse:
        return _csv(request, table)


class StateCSV(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest, code: str, table: str) -> StreamingHttpResponse:
        return _csv(request, table, state=state_for(request.user, code))


# --- API ----------------------------------------------------------------------------------------------------


class _Point(serializers.Serializer):
    day = serializers.DateField()
    calls = serializers.IntegerField()


class _Count(serializers.Serializer):
    key = serializers.CharField()
    calls = serializers.IntegerField()


class _Top(serializers.Serializer):
    name = serializers.CharField()
    calls = serializers.IntegerField()
    previous = serializers.IntegerField()
    change = serializers.IntegerField(allow_null=True, help_text="Percent against the previous period.")


class _Storm(serializers.Serializer):
    name = serializers.CharField()
    day = serializers.DateField()
    calls = serializers.IntegerField()
    baseline = serializers.FloatField()


class _New(serializers.Serializer):
    name = serializers.CharField()
    first = serializers.DateField()
    calls = serializers.IntegerField()


class TrendsOut(serializers.Serializer):
    state = serializers.CharField(allow_blank=True)
    start = serializers.DateField()
    end = serializers.DateField()
    total = serializers.IntegerField()
    daily = _Point(many=True)
    weekly = _Point(many=True)
    by_source = _Count(many=True)
    by_state = _Count(many=True)
    top = _Top(many=True)
    new = _New(many=True)
    storms = _Storm(many=True)
    storm_rule = serializers.CharField()


def _api_body(request, state: str) -> dict:
    start, end, _ = _period(request)
    r = report(start=start, end=end, state=state, per_state=request.user.is_itg_staff)
    return TrendsOut(
        {
            **r,
            "state": state,
            "start": start,
            "end": end,
            "daily": [{"day": d, "calls": n} for d, n in r["daily"]],
            "weekly": [{"day": d, "calls": n} for d, n in r["weekly"]],
            "by_source": [{"key": k, "calls": n} for k, n in r["by_source"]],
            "by_state": [{"key": k, "calls": n} for k, n in r["by_state"]],
            "storm_rule": rollups.STORM_RULE,
        }
    ).data


PERIOD = [
    OpenApiParameter(
        "days", int, description=f"Length of the period in days (7-{MAX_DAYS}, default {DEFAULT_DAYS})."
    ),
    OpenApiParameter(
        "end", dt.date, description="Last day of the period (default: the latest day with data)."
    ),
]


class NationalTrendsAPI(APIView):
    permission_classes = [IsMatterUser]

    @extend_schema(parameters=PERIOD, responses=TrendsOut, summary="National call trends (daily rollups)")
    def get(self, request):
        return Response(_api_body(request, ""))


class StateTrendsAPI(APIView):
    permission_classes = [IsMatterUser]

    @extend_schema(
        parameters=PERIOD, responses=TrendsOut, summary="One state's call trends (own state for AG users)"
    )
    def get(self, request, code: str):
        return Response(_api_body(request, state_for(request.user, code)))


app_name = "trends"
urlpatterns = [
    path("", NationalView.as_view(), name="national"),
    path("csv/<str:table>/", NationalCSV.as_view(), name="national_csv"),
    path("states/<str:code>/", StateView.as_view(), name="state"),
    path("states/<str:code>/csv/<str:table>/", StateCSV.as_view(), name="state_csv"),
]
api_urlpatterns = [
    path("trends/", NationalTrendsAPI.as_view(), name="api-trends"),
    path("trends/states/<str:code>/", StateTrendsAPI.as_view(), name="api-trends-state"),
]
