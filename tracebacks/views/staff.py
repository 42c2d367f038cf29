"""ITG staff pages for tracebacks and campaigns. Tracebacks are ITG work: AG users and auditors get 403."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from itg.accounts.roles import ITGStaffRequiredMixin
from itg.audit.actions import Action
from itg.audit.services import record
from itg.errors import error_status
from itg.exports import EXPORT_FORMATS, ExportTooLarge, download_response
from itg.params import BadQuery, valid_filters
from itg.uploads import file_response
from tracebacks import selectors, services
from tracebacks.exports import tracebacks_export
from tracebacks.filters import TracebackFilter, traceback_count
from tracebacks.forms import BulkStartForm, CampaignForm, CloseForm, ReassignForm, TracebackForm
from tracebacks.models import Campaign, Hop, Traceback
from tracebacks.views.common import CountedPaginator, apply_errors, message_of

PAGE_SIZE = 50


def traceback_filters(request: HttpRequest) -> TracebackFilter:
    """The list's filters, as `/api/tracebacks/` and the exports read them (`tracebacks/filters.py`)."""
    return TracebackFilter(request.GET, queryset=selectors.traceback_rows(), request=request)


class TracebackListView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = traceback_filters(request)
        errors = filterset.errors if not filterset.is_valid() else {}
        # Words naming no provider (or several) are shown beside the box, as a form's error would be;
        # any other bad value is a 400 naming its parameter.
        provider_error = " ".join(errors.get("provider", []))
        if set(errors) - {"provider"}:
            valid_filters(filterset)
        f = filterset.form.cleaned_data  # the valid ones, shown back in the form
        if provider_error:
            rows, count = Traceback.objects.none(), 0
        else:
            rows = filterset.qs
            count = traceback_count(f, rows)
        page = CountedPaginator(rows, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "page": page, "f": f, "query": query.urlencode(), "statuses": Traceback.Status.choices,
            "provider_text": request.GET.get("provider", ""), "provider_error": provider_error,
            "campaigns": Campaign.objects.order_by("name").only("pk", "name"),
        }  # fmt: skip
        return render(request, "tracebacks/list.html", context)


class TracebackExportView(ITGStaffRequiredMixin, View):
    """The traceback list as CSV or XLSX with the page's filters (a provider the words do not name is a 400)."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in EXPORT_FORMATS:
            raise Http404("Download the list as .csv or .xlsx.")
        filterset = valid_filters(traceback_filters(request))
        try:
            header, rows = tracebacks_export(by=request.user, rows=filterset.qs, fmt=fmt,
                                             cleaned=filterset.form.cleaned_data)  # fmt: skip
        except ExportTooLarge as error:
            raise BadQuery("format", str(error)) from None
        name = f"tracebacks-{timezone.localdate():%Y-%m-%d}"
        return download_response(fmt, name, header, rows, title="Tracebacks")


class TracebackCreateView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "tracebacks/create.html", {"form": TracebackForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TracebackForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                data["terminating_provider"] = selectors.resolve_provider(
                    data["terminating_provider"], field="terminating_provider"
                )
                data["call_at"] = data["call_at"].replace(tzinfo=None)
                traceback = services.traceback_create(by=request.user, **data)
            except (ValidationError, PermissionDenied) as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Traceback started: the terminating provider has been asked.")
                return redirect(traceback)
        return render(request, "tracebacks/create.html", {"form": form}, status=400)


class TracebackBulkView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "tracebacks/bulk.html", {"form": BulkStartForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = BulkStartForm(request.POST, request.FILES)
        errors: list[str] = []
        if form.is_valid():
            campaign = form.cleaned_data["campaign"]
            try:
                started = services.traceback_bulk_start(
                    by=request.user, campaign=campaign, raw=form.cleaned_data["file"].read()
                )
            except services.BulkStartError as error:
                errors = error.errors
            else:
                messages.success(request, f"{len(started)} tracebacks started for {campaign.name}.")
                return redirect(f"/tracebacks/?campaign={campaign.pk}")
        return render(request, "tracebacks/bulk.html", {"form": form, "row_errors": errors}, status=400)


class TracebackDetailView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        traceback = selectors.traceback_for(pk)
        record(action=Action.TRACEBACK_VIEWED, by=request.user, obj=traceback)
        return render(request, "tracebacks/detail.html", detail_context(traceback))


def detail_context(traceback: Traceback, **forms) -> dict:
    hops = selectors.hops_of(traceback)
    last = hops[-1] if hops else None
    actionable = bool(
        last and traceback.status in ("open", "non_responsive") and last.answer in ("pending", "no_response")
    )
    spoofed_a = [h for h in hops if h.attestation == Hop.Attestation.A and h.sequence > 1]
    return {
        "traceback": traceback, "hops": hops, "open_hop": last if actionable else None, "spoofed_a": spoofed_a,
        "close_form": forms.get("close_form") or CloseForm(),
        "reassign_form": forms.get("reassign_form") or ReassignForm(),
    }  # fmt: skip


class HopActionView(ITGStaffRequiredMixin, View):
    """POST: re-send the open hop's request, or reassign it to another provider."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        traceback = selectors.traceback_for(pk)
        hop = get_object_or_404(Hop, traceback=traceback, pk=request.POST.get("hop"))
        if action == "resend":
            try:
                services.hop_resend(by=request.user, hop=hop)
                messages.success(request, f"Request sent again to {hop.provider.business_name}.")
            except ValidationError as error:
                messages.error(request, message_of(error))
            return redirect(traceback)
        form = ReassignForm(request.POST)
        if form.is_valid():
            try:
                provider = selectors.resolve_provider(form.cleaned_data["provider"], field="provider")
                services.hop_reassign(
                    by=request.user, hop=hop, provider=provider, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Hop {hop.sequence} is now asked of {provider.business_name}.")
                return redirect(traceback)
        return render(
            request, "tracebacks/detail.html", detail_context(traceback, reassign_form=form), status=400
        )


class TracebackCloseView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        traceback = selectors.traceback_for(pk)
        form, status = CloseForm(request.POST), 400
        if form.is_valid():
            try:
                services.traceback_close(by=request.user, traceback=traceback, note=form.cleaned_data["note"])
            except ValidationError as error:
                apply_errors(form, error)
                status = error_status(error)
            else:
                messages.success(request, "Traceback closed.")
                return redirect(traceback)
        return render(
            request, "tracebacks/detail.html", detail_context(traceback, close_form=form), status=status
        )


class CampaignListView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, CampaignForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CampaignForm(request.POST)
        if form.is_valid():
            try:
                campaign = services.campaign_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"Campaign {campaign.name} created.")
                return redirect(campaign)
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        context = {"campaigns": selectors.campaign_list(), "form": form}
        return render(request, "tracebacks/campaigns.html", context, status=status)


class CampaignDetailView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(Campaign, pk=pk)
        rows = selectors.traceback_rows().filter(campaign=campaign)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        counts = selectors.campaign_status_counts(campaign)
        statuses = [(label, counts.get(value, 0)) for value, label in Traceback.Status.choices]
        return render(
            request, "tracebacks/campaign.html", {"campaign": campaign, "page": page, "statuses": statuses}
        )


class TracebackFileView(ITGStaffRequiredMixin, View):
    """Stream a traceback's recording or transcript file, or a hop's attachment; recorded in the audit trail."""

    def get(self, request: HttpRequest, pk: int, which: str, hop: int | None = None) -> HttpResponse:
        traceback = selectors.traceback_for(pk)
        owner = get_object_or_404(Hop, traceback=traceback, pk=hop) if hop else traceback
        field = {"recording": "recording", "transcript": "transcript_file", "attachment": "attachment"}.get(
            which
        )
        stored = getattr(owner, field, None) if field else None
        if not stored:
            raise Http404("No such file.")
        record(
            action=Action.TRACEBACK_FILE_DOWNLOADED, by=request.user, obj=owner, changes={"file": stored.name}
        )
        # Stored under a generated key; the download is named for what it is, not for the uploader's name.
        extension = PurePosixPath(stored.name).suffix
        label = f"hop-{owner.sequence}-{which}" if hop else which
        filename = f"traceback-{traceback.pk}-{label}{extension}"
        return file_response(stored.name, filename=filename)
