"""Pages of legal demands: the queue and lists, the demand page, documents, receipt, workflow buttons."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from cases.access import may_post_in_thread
from cases.selectors import case_messages_for
from itg.accounts.models import Role, User
from itg.accounts.roles import AGStaffRequiredMixin, ITGStaffRequiredMixin, MatterUserRequiredMixin
from itg.audit.actions import Action
from itg.audit.services import record
from itg.errors import error_status
from itg.exports import EXPORT_FORMATS, ExportTooLarge, download_response
from itg.params import BadQuery, valid_filters
from subpoenas import downloads, receipts, selectors, services, workflow
from subpoenas.exports import demands_export
from subpoenas.filters import SORT_LABELS, DemandFilter, demand_rows, narrows
from subpoenas.forms import ExtensionAnswerForm, ExtensionAskForm, TransitionForm
from subpoenas.models import DeadlineEvent, LegalDemand

PAGE_SIZE = 50


def demand_filters(request: HttpRequest, visible) -> DemandFilter:
    """The list's filters, as `/api/demands/` and the exports read them (`subpoenas/filters.py`)."""
    return valid_filters(DemandFilter(request.GET, queryset=demand_rows(visible), request=request))


class DemandListView(MatterUserRequiredMixin, View):
    """The ITG queue, or the AG office's list: same filters, same access layer.

    Queries (constant in the number of rows): session, user+office, OTP device, the visible case ids (AG
    users), the page of demands with case and owner, the count for the paginator, the status counts, the
    ITG owners (queue), the unread notifications.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        visible = selectors.demands_visible_to(request.user)
        filterset = demand_filters(request, visible)
        f = {name: "" if value is None else value for name, value in filterset.form.cleaned_data.items()}
        counts = selectors.status_counts(request.user, visible, state=f["state"])
        paginator = Paginator(filterset.qs, PAGE_SIZE)
        if not narrows(f):
            paginator.count = counts["total"]  # the counts by status already cover this set: one COUNT fewer
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "page": page, "f": f, "counts": counts, "query": query.urlencode(),
            "statuses": LegalDemand.Status.choices, "kinds": LegalDemand.Kind.choices, "sorts": SORT_LABELS,
            "owners": User.objects.filter(role__in=[Role.ITG_STAFF, Role.ITG_ADMIN], is_active=True)
            if request.user.is_itg_staff else [],
        }  # fmt: skip
        if f["q"]:
            record(action=Action.DEMAND_SEARCHED, by=request.user, reason=f"q={f['q']}"[:500])
        return render(request, "subpoenas/list.html", context)


class DemandExportView(MatterUserRequiredMixin, View):
    """The list as CSV or XLSX with the page's filters (`/demands/export.csv?due=week`), what the user may see."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in EXPORT_FORMATS:
            raise Http404("Download the list as .csv or .xlsx.")
        filterset = demand_filters(request, selectors.demands_visible_to(request.user))
        try:
            header, rows = demands_export(by=request.user, rows=filterset.qs, fmt=fmt,
                                          cleaned=filterset.form.cleaned_data)  # fmt: skip
        except ExportTooLarge as error:
            raise BadQuery("format", str(error)) from None
        name = f"demands-{timezone.localdate():%Y-%m-%d}"
        return download_response(fmt, name, header, rows, title="Demands")


def timeline(demand: LegalDemand) -> list[dict]:
    """Status changes and deadline events, merged by time."""
    items = [
        {"at": e.at, "by": e.by, "what": e.action.replace("_", " ").capitalize(), "note": e.note,
         "detail": f"{e.from_status or '—'} → {e.to_status}"}
        for e in demand.events.select_related("by")
    ]  # fmt: skip
    for e in demand.deadline_events.select_related("by", "letter"):
        detail = f"due {e.due_date_before or '—'} → {e.due_date_after or '—'}"
        if e.requested_date:
            detail += f"; date asked/granted {e.requested_date}"
        items.append({"at": e.at, "by": e.by, "what": e.get_kind_display(), "note": e.note, "detail": detail,
                      "letter": e.letter})  # fmt: skip
    return sorted(items, key=lambda i: i["at"])


class DemandDetailView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        demand = selectors.demand_for(request.user, pk)
        return render(request, "subpoenas/detail.html", detail_context(request, demand))


GRAVE_ACTIONS = frozenset({"withdraw", "dispute"})


def detail_context(request: HttpRequest, demand: LegalDemand, **forms) -> dict:
    user = request.user
    pending = list(demand.deadline_events.filter(kind=DeadlineEvent.Kind.EXTENSION_ASKED, answered=False))
    return {
        "demand": demand,
        "documents": list(demand.documents.all()),
        "requests": list(demand.requests.all()),
        "timeline": timeline(demand),
        "thread": list(case_messages_for(user, demand.case)),
        # Withdrawing or disputing ends the ITG's work: offered last, apart, never as the page's first button.
        "actions": [(n, t) for n, t in workflow.page_actions(user, demand) if n not in GRAVE_ACTIONS],
        "grave_actions": [(n, t) for n, t in workflow.page_actions(user, demand) if n in GRAVE_ACTIONS],
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "ask_form": (forms.get("ask_form") or ExtensionAskForm(prefix="ext")) if user.is_itg_staff and demand.is_open else None,
        "pending_extensions": pending,
        "answer_form": (forms.get("answer_form") or ExtensionAnswerForm(prefix="answer"))
        if pending and workflow.is_requester(user, demand) else None,
        "may_post": may_post_in_thread(user, demand.case),
    }  # fmt: skip


class DemandTransitionView(MatterUserRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        demand = selectors.demand_for(request.user, pk, audit=False)
        form = TransitionForm(request.POST)
        if not form.is_valid():
            raise Http404
        try:
            services.demand_transition(demand=demand, by=request.user, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, _message(error))
            demand.refresh_from_db()
            return render(request, "subpoenas/detail.html", detail_context(request, demand, transition_form=form),
                          status=error_status(error))  # fmt: skip
        messages.success(request, f"{demand.tracking_number} is now {demand.get_status_display().lower()}.")
        return redirect(demand)


class ExtensionAskView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        demand = selectors.demand_for(request.user, pk, audit=False)
        form = ExtensionAskForm(request.POST, prefix="ext")
        if form.is_valid():
            try:
                services.extension_ask(demand=demand, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("requested_date", error.messages)
            else:
                messages.success(request, "Extension asked; the issuing office has been told.")
                return redirect(demand)
        return render(
            request, "subpoenas/detail.html", detail_context(request, demand, ask_form=form), status=400
        )


class ExtensionAnswerView(AGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
        demand = selectors.demand_for(request.user, pk, audit=False)
        asked = demand.deadline_events.filter(pk=event_pk, kind=DeadlineEvent.Kind.EXTENSION_ASKED).first()
        if asked is None:
            raise Http404("No such extension request.")
        form = ExtensionAnswerForm(request.POST, request.FILES, prefix="answer")
        if form.is_valid():
            try:
                services.extension_answer(demand=demand, request=asked, by=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _message(error))
            else:
                messages.success(request, "Answer recorded; the due date is updated.")
                return redirect(demand)
        context = detail_context(request, demand, answer_form=form)
        return render(request, "subpoenas/detail.html", context, status=400)


class DocumentView(MatterUserRequiredMixin, View):
    """Stream a document through the access check; inline only for safe types, always nosniff."""

    def get(self, request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
        doc = selectors.document_for(request.user, pk, doc_pk)
        return downloads.document_download(by=request.user, doc=doc, inline=request.GET.get("inline") == "1")


class ReceiptView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        demand = selectors.demand_for(request.user, pk)
        return render(request, "subpoenas/receipt.html", receipts.receipt_context(demand))


class ReceiptPdfView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        demand = selectors.demand_for(request.user, pk, audit=False)
        return downloads.receipt_download(by=request.user, demand=demand)


def _message(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
