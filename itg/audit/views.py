"""The auditors' pages: search the trail, an event's detail, exports; an AG supervisor's own-state history."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from itg.accounts.roles import AGSupervisorRequiredMixin, AuditReaderRequiredMixin
from itg.audit import selectors
from itg.audit.actions import Action, Outcome
from itg.audit.chain import GENESIS_HASH
from itg.audit.export import csv_lines, jsonl_lines
from itg.audit.forms import AuditFilterForm, StateHistoryFilterForm
from itg.audit.services import record
from itg.params import query_int

EXPORTS = {
    "jsonl": ("application/x-ndjson; charset=utf-8", jsonl_lines),
    "csv": ("text/csv; charset=utf-8", csv_lines),
}


class _RecordsRefusals:
    """A signed-in user whose role may not read these pages gets 403, and the attempt is recorded."""

    def handle_no_permission(self):
        user = self.request.user
        if user.is_authenticated:
            record(
                action=Action.AUDIT_VIEWED,
                by=user,
                outcome=Outcome.DENIED,
                object_type="audit.trail",
                label=self.request.path[:300],
                reason="this role may not read the audit trail",
            )
        return super().handle_no_permission()


class _AuditReader(_RecordsRefusals, AuditReaderRequiredMixin):
    pass


class _AGSupervisor(_RecordsRefusals, AGSupervisorRequiredMixin):
    pass


def _cursor(request: HttpRequest, name: str) -> int | None:
    return query_int(request.GET.get(name), name)


def _query_without_cursor(request: HttpRequest) -> str:
    query = request.GET.copy()
    for name in ("before", "after"):
        query.pop(name, None)
    return query.urlencode()


class AuditListView(_AuditReader, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = AuditFilterForm(request.GET or None)
        filters = form.filters() if form.is_bound and form.is_valid() else {}
        page = None
        if not form.is_bound or form.is_valid():
            page = selectors.trail_page_for(
                request.user, filters, before=_cursor(request, "before"), after=_cursor(request, "after")
            )
        context = {"form": form, "page": page, "query": _query_without_cursor(request)}
        return render(request, "audit/list.html", context, status=200 if page else 400)


class AuditDetailView(_AuditReader, View):
    def get(self, request: HttpRequest, seq: int) -> HttpResponse:
        event = selectors.event_for(request.user, seq)
        previous, has_next = selectors.neighbours(event)
        context = {
            "event": event,
            "previous": previous,
            "has_next": has_next,
            # The first event links to the genesis hash; any other to its predecessor (None: deleted).
            "links": previous.hash == event.prev_hash if previous else event.prev_hash == GENESIS_HASH,
            "changes": _change_rows(event.changes),
        }
        return render(request, "audit/detail.html", context)


def _change_rows(changes: object) -> list[dict]:
    """{field: [old, new]} as table rows; anything else shown as recorded."""
    if not isinstance(changes, dict):
        return [{"field": "(recorded)", "raw": changes}]
    rows = []
    for field, value in sorted(changes.items()):
        if isinstance(value, list) and len(value) == 2:
            rows.append({"field": field, "before": value[0], "after": value[1]})
        else:
            rows.append({"field": field, "raw": value})
    return rows


class AuditExportView(_AuditReader, View):
    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        form = AuditFilterForm(request.GET)
        if not form.is_valid():  # the search page again, with the errors next to the fields; no file
            context = {"form": form, "page": None, "query": _query_without_cursor(request)}
            return render(request, "audit/list.html", context, status=400)
        content_type, encode = EXPORTS[fmt]
        rows = selectors.export_rows(request.user, form.filters(), fmt)
        response = StreamingHttpResponse(encode(rows), content_type=content_type)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        response["Content-Disposition"] = f'attachment; filename="itg-audit-{stamp}.{fmt}"'
        response["Cache-Control"] = "no-store"
        return response


class StateHistoryView(_AGSupervisor, View):
    """An AG supervisor's view of who looked at and changed their state's matters, and when."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = StateHistoryFilterForm(request.GET or None)
        page = None
        if not form.is_bound or form.is_valid():
            filters = form.filters() if form.is_bound else {}
            page = selectors.state_history_for(
                request.user, filters, before=_cursor(request, "before"), after=_cursor(request, "after")
            )
        context = {"form": form, "page": page, "query": _query_without_cursor(request)}
        return render(request, "audit/state_history.html", context, status=200 if page else 400)
