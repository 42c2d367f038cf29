"""Detected campaigns: ITG staff review what the engine found and decide (thin views over services)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from itg.accounts.roles import ITGStaffRequiredMixin
from tracebacks.detection import selectors, services
from tracebacks.detection.forms import ConfirmForm, LinkForm, MergeForm, RenameForm, SplitForm
from tracebacks.detection.models import DetectedCampaign, Member, Run
from tracebacks.views.common import message_of

PAGE_SIZE = 50


class DetectedListView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "")
        page = Paginator(selectors.detected_list(request.user, status=status), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        last_run = Run.objects.filter(kind=Run.Kind.FULL).first()
        context = {
            "page": page,
            "status": status,
            "statuses": DetectedCampaign.Status.choices,
            "last_run": last_run,
        }
        return render(request, "detection/list.html", context)


class DetectedDetailView(ITGStaffRequiredMixin, View):
    def get(
        self, request: HttpRequest, pk: int, forms: dict | None = None, status: int = 200
    ) -> HttpResponse:
        d = selectors.detected_for(request.user, pk)
        members = Paginator(d.members.order_by("-similarity", "pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        tracebacks, providers = selectors.traceback_evidence(d)
        forms = forms or {}
        context = {
            "d": d,
            "highlighted": selectors.highlight(d.representative, d.phrases),
            "rows": selectors.member_rows(d, list(members.object_list)),
            "page": members,
            "tracebacks": tracebacks,
            "providers": providers,
            "decisions": selectors.decisions(d),
            "suggestions": services.suggest_names(d) if d.status == DetectedCampaign.Status.PROPOSED else [],
            "confirm_form": forms.get("confirm") or ConfirmForm(),
            "rename_form": forms.get("rename") or RenameForm(initial={"name": d.name}),
            "link_form": forms.get("link") or LinkForm(initial={"campaign": d.campaign_id}),
            "merge_form": forms.get("merge") or MergeForm(),
            "split_form": forms.get("split") or SplitForm(),
            "others": selectors.detected_list(request.user)
            .exclude(pk=d.pk)
            .select_related(None)
            .only("pk", "name", "calls")[:200],
        }
        return render(request, "detection/detail.html", context, status=status)


class DetectedActionView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        d = selectors.detected_for(request.user, pk)
        by = request.user
        try:
            if action == "confirm":
                form = ConfirmForm(request.POST)
                if not form.is_valid():
                    return DetectedDetailView().get(request, pk, forms={"confirm": form}, status=400)
                services.detected_confirm(by=by, detected=d, **form.cleaned_data)
                messages.success(request, "Campaign confirmed.")
            elif action == "rename":
                form = RenameForm(request.POST)
                if not form.is_valid():
                    return DetectedDetailView().get(request, pk, forms={"rename": form}, status=400)
                services.detected_rename(by=by, detected=d, name=form.cleaned_data["name"])
                messages.success(request, f"Renamed {form.cleaned_data['name']}.")
            elif action == "link":
                form = LinkForm(request.POST)
                if not form.is_valid():
                    return DetectedDetailView().get(request, pk, forms={"link": form}, status=400)
                services.detected_link(by=by, detected=d, campaign=form.cleaned_data["campaign"])
                messages.success(request, f"Linked to {form.cleaned_data['campaign'].name}.")
            elif action == "merge":
                form = MergeForm(request.POST)
                if not form.is_valid():
                    return DetectedDetailView().get(request, pk, forms={"merge": form}, status=400)
                into = selectors.detected_for(by, form.cleaned_data["into"])
                services.detected_merge(by=by, source=d, into=into)
                messages.success(request, f"Merged into {into}.")
                return redirect(into)
            elif action == "split":
                form = SplitForm(request.POST, member_ids=d.members.values_list("pk", flat=True))
                if not form.is_valid():
                    return DetectedDetailView().get(request, pk, forms={"split": form}, status=400)
                new = services.detected_split(
                    by=by, detected=d, member_ids=form.cleaned_data["members"],
                    name=form.cleaned_data["name"], kind=form.cleaned_data["kind"],
                )  # fmt: skip
                messages.success(request, f"Split off as {new.name}.")
                return redirect(new)
            elif action == "move-out":
                member = get_object_or_404(Member, pk=request.POST.get("member"), detected=d)
                services.detected_move_out(by=by, detected=d, member=member)
                messages.success(request, "Call moved out; no run will put it back.")
            else:
                return HttpResponse("Unknown action.", status=404)
        except ValidationError as error:
            messages.error(request, message_of(error))
            return DetectedDetailView().get(request, pk, status=400)
        return redirect(d)
