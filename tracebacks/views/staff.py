"""ITG staff pages for tracebacks and campaigns. Tracebacks are ITG work: AG users and auditors get 403."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from itg.accounts.roles import ITGStaffRequiredMixin
from itg.audit.actions import Action
from itg.audit.services import record
from itg.params import query_date, query_int
from itg.uploads import file_response
from tracebacks import selectors, services
from tracebacks.forms import BulkStartForm, CampaignForm, CloseForm, ReassignForm, TracebackForm
from tracebacks.models import Campaign, Hop, Traceback
from tracebacks.views.common import CountedPaginator, apply_errors, message_of

PAGE_SIZE = 50


def _provider_filter(text: str) -> tuple[int | None, str]:
    """The provider filter takes an id (from links) or what staff type: RMD number, FRN or name."""
    if not text or text.isdigit() and len(text) < 8:
        return (int(text) if text else None), ""
    try:
        return selectors.resolve_provider(text, field="provider").pk, ""
    except ValidationError as error:
        return None, " ".join(error.message_dict["provider"])


class TracebackListView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        g = request.GET
        provider, provider_error = _provider_filter(g.get("provider", "").strip())
        f = selectors.TracebackFilters(
            campaign=query_int(g.get("campaign"), "campaign"), provider=provider,
            status=g.get("status", "") if g.get("status") in Traceback.Status.values else "",
            date_from=query_date(g.get("date_from"), "date_from"), date_to=query_date(g.get("date_to"), "date_to"), number=g.get("number", "").strip(),
        )  # fmt: skip
        rows = selectors.traceback_list(f) if not provider_error else Traceback.objects.none()
        count = selectors.traceback_count(f, rows) if not provider_error else 0
        page = CountedPaginator(rows, PAGE_SIZE, count=count).get_page(g.get("page"))
        query = g.copy()
        query.pop("page", None)
        context = {
            "page": page, "f": f, "query": query.urlencode(), "statuses": Traceback.Status.choices,
            "provider_text": g.get("provider", ""), "provider_error": provider_error,
            "campaigns": Campaign.objects.order_by("name").only("pk", "name"),
        }  # fmt: skip
        return render(request, "tracebacks/list.html", context)


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
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                services.traceback_close(by=request.user, traceback=traceback, note=form.cleaned_data["note"])
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Traceback closed.")
                return redirect(traceback)
        return render(
            request, "tracebacks/detail.html", detail_context(traceback, close_form=form), status=400
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
        f = selectors.TracebackFilters(campaign=campaign.pk)
        page = Paginator(selectors.traceback_list(f), PAGE_SIZE).get_page(request.GET.get("page"))
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
