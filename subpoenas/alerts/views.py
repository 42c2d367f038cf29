"""Pages of alerts. Thin: parse, fetch through the access layer (`selectors.alert_for`), call one service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from itg.accounts.models import Office
from itg.accounts.roles import ITGAdminRequiredMixin, ITGStaffRequiredMixin, MatterUserRequiredMixin
from itg.audit.actions import Action
from itg.audit.services import record
from subpoenas.alerts import recipient, selectors, services, subscriptions
from subpoenas.alerts.forms import (
    AlertEditForm,
    InvestigationForm,
    RecordsRequestForm,
    RuleForm,
    ShareForm,
    SubscriptionForm,
)
from subpoenas.alerts.models import Alert, AlertRule, Subscription
from subpoenas.alerts.packet import packet_csv, packet_json
from subpoenas.downloads import cited_letter_download
from subpoenas.responses.issuing import open_issued


def _refuse(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


class AlertListView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "")
        status = status if status in Alert.Status.values else ""
        rows = selectors.alert_list(request.user, status=status)
        return render(
            request, "alerts/list.html", {"rows": rows, "status": status, "statuses": Alert.Status.choices}
        )


class AlertDetailView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert = selectors.alert_for(request.user, pk)
        copy = selectors.copy_for(request.user, alert)
        recipient.alert_view(by=request.user, alert=alert, copy=copy)
        context = {"alert": alert, "copy": copy}
        if alert.is_draft:
            activity, routing = services.alert_preview(alert)
            context |= {"packet": services.build_packet(alert, activity, routing), "routing": routing,
                        "edit_form": _edit_form(alert, routing)}  # fmt: skip
        else:
            context |= {"packet": alert.packet, "investigation_form": InvestigationForm()}
            if request.user.is_itg_staff:
                context |= {"recipients": selectors.recipients_of(alert), "share_form": ShareForm()}
        return render(request, "alerts/detail.html", context)


def _edit_form(alert: Alert, routing, data=None) -> AlertEditForm:
    states = [r.office.state for r in routing.routes]
    initial = {
        "title": alert.title,
        "summary": alert.summary,
        "extra_offices": list(alert.extra_offices.all()),
    }
    return AlertEditForm(data, initial=initial, states=states, statutes=alert.state_statutes)


class AlertEditView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert = selectors.alert_for(request.user, pk)
        _activity, routing = services.alert_preview(alert)
        form = _edit_form(alert, routing, request.POST)
        if form.is_valid():
            try:
                services.alert_edit(by=request.user, alert=alert, title=form.cleaned_data["title"],
                                    summary=form.cleaned_data["summary"], state_statutes=form.statutes(),
                                    extra_offices=list(form.cleaned_data["extra_offices"]))  # fmt: skip
                messages.success(request, "Draft saved.")
            except ValidationError as error:
                _refuse(request, error)
        else:
            _refuse(request, ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()]))
        return redirect(alert.get_absolute_url())


class AlertSendView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert = selectors.alert_for(request.user, pk)
        try:
            alert = services.alert_send(by=request.user, alert=alert)
        except ValidationError as error:
            _refuse(request, error)
        else:
            offices = ", ".join(c.office.state for c in alert.recipients.select_related("office"))
            messages.success(request, f"Alert {alert.reference} sent to {offices}.")
        return redirect(alert.get_absolute_url())


class AlertShareView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert = selectors.alert_for(request.user, pk)
        form = ShareForm(request.POST)
        if form.is_valid():
            try:
                services.alert_share(by=request.user, alert=alert, office=form.cleaned_data["office"])
                messages.success(request, f"Shared with {form.cleaned_data['office'].name}.")
            except ValidationError as error:
                _refuse(request, error)
        return redirect(alert.get_absolute_url())


class PacketDownloadView(MatterUserRequiredMixin, View):
    """The signed PDF (the registered file, byte for byte), or the packet's CSV or JSON; each audited."""

    def get(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        alert = selectors.alert_for(request.user, pk, denied=Action.ALERT_DOWNLOAD_DENIED)
        if alert.is_draft or fmt not in ("pdf", "csv", "json"):
            raise Http404("No such packet file.")
        copy = selectors.copy_for(request.user, alert)
        record(action=Action.ALERT_DOWNLOADED, by=request.user, obj=copy or alert, changes={"format": fmt})
        name = f"{alert.reference}.{fmt}"
        if fmt == "pdf":
            return FileResponse(open_issued(alert.document), as_attachment=True, filename=name,
                                content_type="application/pdf")  # fmt: skip
        if fmt == "csv":
            body, kind = packet_csv(alert.packet), "text/csv; charset=utf-8"
        else:
            body, kind = packet_json(alert.packet), "application/json"
        response = HttpResponse(body, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class AlertLetterView(MatterUserRequiredMixin, View):
    """A signed notice letter the alert's packet cites, for those who may see the alert (a delivered
    response's letters are reached the same way: `subpoenas.downloads.cited_letter_download`). A letter not
    cited by this alert is a 404, recorded."""

    def get(self, request: HttpRequest, pk: int, reference: str) -> HttpResponse:
        alert = selectors.alert_for(request.user, pk, denied=Action.ALERT_DOWNLOAD_DENIED)
        cited = set() if alert.is_draft else {
            x["reference"]
            for n in (alert.packet or {}).get("prior_notices", [])
            for x in n.get("letters", [])
        }  # fmt: skip
        copy = selectors.copy_for(request.user, alert)
        return cited_letter_download(by=request.user, reference=reference, cited=cited, via=copy or alert,
                                     cited_by=f"alert {alert.reference}")  # fmt: skip


def _own_copy(request: HttpRequest, pk: int):
    alert = selectors.alert_for(request.user, pk)
    copy = selectors.copy_for(request.user, alert)
    if copy is None:
        raise PermissionDenied("Only the offices that received this alert act on it.")
    return alert, copy


class AcknowledgeView(MatterUserRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert, copy = _own_copy(request, pk)
        try:
            recipient.alert_acknowledge(by=request.user, copy=copy)
            messages.success(request, "Acknowledged: the ITG sees that your office has the alert.")
        except (ValidationError, PermissionDenied) as error:
            _refuse(request, error)
        return redirect(alert.get_absolute_url())


class InvestigateView(MatterUserRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert, copy = _own_copy(request, pk)
        form = InvestigationForm(request.POST)
        form.is_valid()
        try:
            case = recipient.alert_open_investigation(by=request.user, copy=copy, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _refuse(request, error)
            return redirect(alert.get_absolute_url())
        messages.success(request, f"Investigation opened: case “{case.title}”.")
        return redirect(case.get_absolute_url())


class RecordsRequestView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert, copy = _own_copy(request, pk)
        return render(request, "alerts/records.html", {"alert": alert, "form": RecordsRequestForm()})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        alert, copy = _own_copy(request, pk)
        form = RecordsRequestForm(request.POST, request.FILES)
        try:
            draft = recipient.alert_request_records(
                by=request.user, copy=copy, demand_file=request.FILES.get("document")
            )
        except (ValidationError, PermissionDenied) as error:
            for name, errors in getattr(error, "message_dict", {"document": [str(error)]}).items():
                form.add_error("document" if name in ("document", "__all__") else None, errors)
            return render(request, "alerts/records.html", {"alert": alert, "form": form}, status=400)
        return redirect("subpoenas:review", draft.pk)


class RulesView(ITGStaffRequiredMixin, View):
    """Every rule and its setting; administrators change them, staff run them now."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "alerts/rules.html", {"rules": selectors.rules(), "form": RuleForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        touched = services.rules_run(by=request.user)
        messages.success(
            request, f"Rules run: {len(touched)} draft{'s' if len(touched) != 1 else ''} created or updated."
        )
        return redirect("alerts:list")


class RuleEditView(ITGAdminRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        rule = get_object_or_404(AlertRule, pk=pk) if pk else None
        return render(request, "alerts/rule.html", {"rule": rule, "form": RuleForm(instance=rule)})

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        rule = get_object_or_404(AlertRule, pk=pk) if pk else None
        form = RuleForm(request.POST, instance=AlertRule.objects.get(pk=pk) if pk else None)
        if form.is_valid():
            fields = {f: form.cleaned_data[f] for f in services.RULE_FIELDS}
            try:
                services.rule_save(by=request.user, rule=rule, **fields)
                messages.success(request, "Rule saved.")
                return redirect("alerts:rules")
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
        return render(request, "alerts/rule.html", {"rule": rule, "form": form}, status=400)


class SubscriptionView(MatterUserRequiredMixin, View):
    """An office's subscription: its users see it, its supervisors change it."""

    def _office(self, request: HttpRequest) -> Office:
        if not request.user.is_ag_staff:
            raise PermissionDenied("Subscriptions belong to attorney-general offices.")
        return request.user.office

    def get(self, request: HttpRequest) -> HttpResponse:
        office = self._office(request)
        sub = selectors.subscription_of(office)
        initial = (
            {
                "campaign_kinds": sub.campaign_kinds,
                "min_volume": sub.min_volume,
                "delivery": sub.delivery,
                "task_force_kinds": sub.task_force_kinds,
            }
            if sub
            else {"delivery": Subscription.Delivery.IMMEDIATE}
        )
        context = {"form": SubscriptionForm(initial=initial), "sub": sub,
                   "may_edit": subscriptions.may_subscribe(request.user, office)}  # fmt: skip
        return render(request, "alerts/subscription.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        office = self._office(request)
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            try:
                subscriptions.subscription_set(by=request.user, office=office, **form.cleaned_data)
                messages.success(request, "Subscription saved.")
                return redirect("alerts:subscription")
            except (ValidationError, PermissionDenied) as error:
                _refuse(request, error)
        context = {"form": form, "sub": selectors.subscription_of(office), "may_edit": True}
        return render(request, "alerts/subscription.html", context, status=400)
