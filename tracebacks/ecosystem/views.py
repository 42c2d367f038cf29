"""ITG staff pages of the provider ecosystem: the scorecard, a provider's findings and their evidence, the
settings (ITG administrators), the monthly snapshots and downloads. Thin: parse, call a selector or a
service, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from itg.accounts.roles import ITGAdminRequiredMixin, ITGStaffRequiredMixin
from itg.audit.actions import Action
from itg.audit.services import record
from itg.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, rows_csv, rows_xlsx
from providers.models import Provider
from tracebacks.ecosystem import findings as engine
from tracebacks.ecosystem import graph, report, selectors, services
from tracebacks.ecosystem.findings import CRITERIA, CRITERION_TITLES, SPOOFING_RULE, Window
from tracebacks.ecosystem.forms import FindingSettingsForm, MonthForm
from tracebacks.ecosystem.letters.selectors import letters_of
from tracebacks.ecosystem.models import FindingReport, FindingSnapshot
from tracebacks.ecosystem.svg import neighbourhood_svg
from tracebacks.models import Campaign, Hop
from tracebacks.views.common import apply_errors


def _window(request: HttpRequest, row) -> tuple[Window, str]:
    """The window asked for in ?since=&until= (else the settings' one), and a message if it was refused."""
    default = selectors.default_window(row)
    since, until = request.GET.get("since", ""), request.GET.get("until", "")
    if not since and not until:
        return default, ""
    try:
        return Window(date.fromisoformat(since or default.start.isoformat()),
                      date.fromisoformat(until or default.end.isoformat())), ""  # fmt: skip
    except ValueError as error:
        text = str(error) if "before it starts" in str(error) else "Write dates as YYYY-MM-DD."
        return default, f"{text} Showing the default window instead."


SCORECARD_PAGE_SIZE = 50


class ScorecardView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        row = selectors.finding_settings()
        window, error = _window(request, row)
        thresholds = selectors.thresholds_of(row)
        f = selectors.ScoreFilters(
            criterion=request.GET.get("criterion", "") if request.GET.get("criterion") in CRITERIA else "",
            role=request.GET.get("role", "") if request.GET.get("role") in Hop.Role.values else "",
            rmd=request.GET.get("rmd", "") if request.GET.get("rmd") in dict(selectors.RMD_FILTERS) else "",
        )
        card = selectors.scorecard_cached(window, thresholds, f)
        fmt = request.GET.get("format", "")
        if fmt in ("csv", "xlsx"):
            return _download(request, card, window, fmt)
        # Ranked rows, a page at a time: a 12-month window over 2.5 M hops finds several hundred providers,
        # and rendering them all took most of the page's half second (the downloads still hold every row).
        rows = Paginator(card.rows, SCORECARD_PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {"card": card, "rows": rows, "query": query.urlencode(), "window": window, "error": error,
                   "thresholds": thresholds, "f": f,
                   "criteria": [(c, CRITERION_TITLES[c]) for c in CRITERIA], "roles": Hop.Role.choices,
                   "rmd_filters": selectors.RMD_FILTERS, "settings_row": row, "spoofing_rule": SPOOFING_RULE}  # fmt: skip
        return render(request, "ecosystem/scorecard.html", context, status=400 if error else 200)


def _download(request: HttpRequest, card: selectors.Scorecard, window: Window, fmt: str) -> HttpResponse:
    # The cached scorecard carries no traceback ids: the file is computed afresh, for the providers shown.
    shown = {r.provider.pk for r in card.rows}
    thresholds = selectors.thresholds_of(selectors.finding_settings())
    rows = selectors.finding_rows([x for x in engine.findings(window, thresholds) if x.provider_id in shown])
    name = f"provider-findings-{window.start:%Y%m%d}-{window.end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        body, kind = rows_csv(selectors.CSV_HEADER, rows), CSV_CONTENT_TYPE
    else:
        body, kind = rows_xlsx(selectors.CSV_HEADER, rows, title="Provider findings"), XLSX_CONTENT_TYPE
    record(action=Action.FINDINGS_EXPORTED, by=request.user, object_type="ecosystem.findings", label=name,
           changes={"format": fmt, "window": str(window), "findings": len(rows)})  # fmt: skip
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ProviderFindingsView(ITGStaffRequiredMixin, View):
    """One provider's findings over the window, and the hops behind the chosen criterion."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = get_object_or_404(Provider, pk=pk)
        row = selectors.finding_settings()
        window, error = _window(request, row)
        card = selectors.scorecard_cached(window, selectors.thresholds_of(row), selectors.ScoreFilters())
        score = next((r for r in card.rows if r.provider.pk == provider.pk), None)
        criterion = request.GET.get("criterion") if request.GET.get("criterion") in CRITERIA else ""
        criterion = criterion or (next(iter(sorted(score.met)), "a") if score else "a")
        hops = Paginator(selectors.supporting_hops(provider, criterion, window), 50).get_page(
            request.GET.get("page")
        )
        context = {"provider": provider, "score": score, "window": window, "error": error, "criterion": criterion,
                   "criteria": [(c, CRITERION_TITLES[c]) for c in CRITERIA], "hops": hops,
                   "finding": score.met.get(criterion) if score else None,
                   "letters": letters_of(provider.pk)[:50]}  # fmt: skip
        return render(request, "ecosystem/provider.html", context)


class SettingsView(ITGAdminRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = FindingSettingsForm(instance=selectors.finding_settings())
        return render(request, "ecosystem/settings.html", {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = FindingSettingsForm(request.POST, instance=selectors.finding_settings())
        if form.is_valid():
            try:
                services.finding_settings_update(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Finding settings saved. The scorecard uses them from now on.")
                return redirect("ecosystem:settings")
        return render(request, "ecosystem/settings.html", {"form": form}, status=400)


class SnapshotListView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        snapshots = FindingSnapshot.objects.only(
            "month", "window_start", "window_end", "csv_sha256", "created_at", "thresholds"
        )
        return render(request, "ecosystem/snapshots.html", {"snapshots": snapshots, "form": MonthForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = MonthForm(request.POST)
        if not form.is_valid():
            snapshots = FindingSnapshot.objects.all()
            return render(
                request, "ecosystem/snapshots.html", {"snapshots": snapshots, "form": form}, status=400
            )
        month = form.cleaned_data["month"]
        if month.replace(day=1) > date.today().replace(day=1):
            form.add_error("month", "That month has not begun: a snapshot freezes a month that has.")
            return render(
                request,
                "ecosystem/snapshots.html",
                {"snapshots": FindingSnapshot.objects.all(), "form": form},
                status=400,
            )
        snap = services.finding_snapshot_make(month=month, by=request.user)
        messages.success(request, f"Snapshot of {snap.month:%B %Y}: {len(snap.rows)} finding(s).")
        return redirect("ecosystem:snapshots")


class SnapshotCsvView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        snap = FindingSnapshot.objects.filter(pk=pk).first()
        if snap is None:
            raise Http404
        name = f"provider-findings-{snap.month:%Y-%m}.csv"
        record(action=Action.FINDINGS_EXPORTED, by=request.user, obj=snap, label=name,
               changes={"format": "csv", "snapshot": f"{snap.month:%Y-%m}", "csv_sha256": snap.csv_sha256})  # fmt: skip
        response = HttpResponse(services.snapshot_csv(snap), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _scope(request: HttpRequest) -> tuple[graph.Scope, str]:
    window, error = _window(request, selectors.finding_settings())
    campaign = request.GET.get("campaign", "")
    kind = request.GET.get("kind", "")
    return graph.Scope(window, int(campaign) if campaign.isdigit() else None,
                       kind if kind in Campaign.Kind.values else ""), error  # fmt: skip


def _graph_context(scope: graph.Scope, error: str) -> dict:
    return {"window": scope.window, "scope": scope, "error": error, "kinds": Campaign.Kind.choices,
            "campaigns": Campaign.objects.only("pk", "name").order_by("name")}  # fmt: skip


class NeighbourhoodView(ITGStaffRequiredMixin, View):
    """A provider's upstreams and downstreams, two steps out, drawn and tabulated from the same data."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = get_object_or_404(Provider.objects.only("pk", "business_name"), pk=pk)
        scope, error = _scope(request)
        key = f"{scope.key}:hood:{provider.pk}"
        if (hood := cache.get(key)) is None:
            hood = graph.neighbourhood(graph.edge_data(scope), provider.pk)
            cache.set(key, hood, graph.GRAPH_CACHE_SECONDS)
        rows = [(hood.nodes[u], hood.nodes[v], n, c, u, v) for u, v, n, c in hood.edges]
        context = _graph_context(scope, error) | {"provider": provider, "hood": hood, "svg": neighbourhood_svg(hood),
                                                  "rows": rows, "hidden": sum(hood.hidden.values())}  # fmt: skip
        return render(request, "ecosystem/neighbourhood.html", context)


class CampaignPathsView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        campaign = get_object_or_404(Campaign, pk=pk)
        window, error = _window(request, selectors.finding_settings())
        paths, nodes = graph.campaign_paths(graph.Scope(window, campaign.pk))
        rows = [(p, [(pk, nodes[pk]) for pk in p.providers]) for p in paths]
        return render(request, "ecosystem/paths.html",
                      {"campaign": campaign, "window": window, "error": error, "rows": rows})  # fmt: skip


class MapView(ITGStaffRequiredMixin, View):
    """The whole map's chokepoints and the gateways carrying the most foreign-origin calls."""

    def get(self, request: HttpRequest) -> HttpResponse:
        scope, error = _scope(request)
        key = scope.key + ":chokepoints"
        if (found := cache.get(key)) is None:
            data = graph.edge_data(scope)
            found = {"points": graph.chokepoints(data), "gateways": graph.foreign_gateways(data),
                     "total": data.tracebacks}  # fmt: skip
            cache.set(key, found, graph.GRAPH_CACHE_SECONDS)
        context = _graph_context(scope, error) | found
        return render(request, "ecosystem/map.html", context)


class ReportListView(ITGStaffRequiredMixin, View):
    """Signed PDF reports of the scorecard: list, and sign one for the window chosen (POST since/until)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        window = selectors.default_window(selectors.finding_settings())
        return render(
            request,
            "ecosystem/reports.html",
            {"reports": FindingReport.objects.all()[:100], "window": window},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            window = Window(
                date.fromisoformat(request.POST.get("since", "")),
                date.fromisoformat(request.POST.get("until", "")),
            )
        except ValueError as error:
            text = (
                str(error)
                if "before it starts" in str(error)
                else "Give the first and last day as YYYY-MM-DD."
            )
            window = selectors.default_window(selectors.finding_settings())
            return render(request, "ecosystem/reports.html",
                          {"reports": FindingReport.objects.all()[:100], "window": window, "error": text}, status=400)  # fmt: skip
        signed = report.finding_report_sign(window=window, by=request.user)
        messages.success(
            request,
            f"Report signed: Bates {signed.bates_prefix}-{signed.bates_first:06d} to -{signed.bates_last:06d}.",
        )
        return redirect("ecosystem:reports")


class ReportDownloadView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        signed = get_object_or_404(FindingReport, pk=pk)
        record(action=Action.FINDINGS_EXPORTED, by=request.user, obj=signed, label=str(signed),
               changes={"format": "pdf", "sha256": signed.sha256})  # fmt: skip
        response = HttpResponse(report.report_bytes(signed), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{signed.bates_prefix}.pdf"'
        return response
