"""Pages: role home pages, the case list and a case's page with its shares and owner."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from cases import services
from cases.access import case_for, may_post_in_thread
from cases.exports import cases_export
from cases.filters import CaseFilter
from cases.forms import AssignForm, CaseForm, ShareForm
from cases.selectors import case_counts_for, case_list_for, case_messages_for, message_attachment_for
from itg.accounts.models import Office
from itg.accounts.roles import ITGStaffRequiredMixin, MatterUserRequiredMixin
from itg.audit.actions import Action
from itg.audit.selectors import latest_events_for
from itg.audit.services import record
from itg.exports import EXPORT_FORMATS, ExportTooLarge, download_response
from itg.params import BadQuery, valid_filters
from itg.uploads import file_response


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own home page."""
    user = request.user
    if user.is_auditor:
        return render(request, "home/auditor.html", {"events": latest_events_for(user)})
    recent = case_list_for(user)[:10]
    context = {"recent": recent, "counts": case_counts_for(user)}
    template = "home/itg.html" if user.is_itg_staff else "home/ag.html"
    return render(request, template, context)


class CaseListView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = valid_filters(
            CaseFilter(request.GET, queryset=case_list_for(request.user), request=request)
        )
        f = {name: value or "" for name, value in filterset.form.cleaned_data.items()}
        page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "page": page,
            "f": f,
            "q": f["q"],
            "state": f["state"] or f["lead_state"],
            "query": query.urlencode(),
        }
        return render(request, "cases/list.html", context)


class CaseExportView(MatterUserRequiredMixin, View):
    """The case list as CSV or XLSX with the page's filters, only the cases the user may see."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in EXPORT_FORMATS:
            raise Http404("Download the list as .csv or .xlsx.")
        filterset = valid_filters(
            CaseFilter(request.GET, queryset=case_list_for(request.user), request=request)
        )
        try:
            header, rows = cases_export(by=request.user, rows=filterset.qs, fmt=fmt,
                                        cleaned=filterset.form.cleaned_data)  # fmt: skip
        except ExportTooLarge as error:
            raise BadQuery("format", str(error)) from None
        return download_response(fmt, f"cases-{timezone.localdate():%Y-%m-%d}", header, rows, title="Cases")


class CaseCreateView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "cases/create.html", {"form": CaseForm(user=request.user)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CaseForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                case = services.case_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, "Case opened.")
                return redirect(case)
        return render(request, "cases/create.html", {"form": form}, status=400)


class CaseDetailView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = case_for(request.user, pk)
        return render(request, "cases/detail.html", self._context(request, case))

    @staticmethod
    def _context(request: HttpRequest, case, **forms) -> dict:
        user = request.user
        may_share = services.may_share(user, case)
        return {
            "case": case,
            # The case was fetched through `case_for`: everything that belongs to it is visible too.
            "demands": list(case.demands.order_by("due_at")),
            "thread": list(case_messages_for(user, case)),
            "may_post": may_post_in_thread(user, case),
            "shared_offices": services.case_shared_offices(case)
            if (may_share or user.is_itg_staff)
            else None,
            "share_form": forms.get("share_form") or (ShareForm(case=case) if may_share else None),
            "assign_form": forms.get("assign_form")
            or (AssignForm(initial={"owner": case.owner_id}) if user.is_itg_staff else None),
        }


class CaseShareView(MatterUserRequiredMixin, View):
    """POST: share with an office, or revoke a share (`revoke` set)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = case_for(request.user, pk, audit=False)
        if request.POST.get("posting"):
            office = get_object_or_404(Office, pk=request.POST["posting"])
            allow = request.POST.get("allow") == "1"
            try:
                services.case_share_posting_set(by=request.user, case=case, office=office, may_post=allow)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, _message(error))
            else:
                messages.success(
                    request, f"{office.name} {'may now' if allow else 'no longer may'} write in the thread."
                )
            return redirect(case)
        if request.POST.get("revoke"):
            office = get_object_or_404(Office, pk=request.POST["revoke"])
            try:
                services.case_unshare(by=request.user, case=case, office=office)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, _message(error))
            else:
                messages.success(request, f"{office.name} no longer sees this case.")
            return redirect(case)
        form = ShareForm(request.POST, case=case)
        if form.is_valid():
            try:
                services.case_share(by=request.user, case=case, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("office", error.messages)
            else:
                messages.success(request, f"Shared with {form.cleaned_data['office'].name}.")
                return redirect(case)
        context = CaseDetailView._context(request, case, share_form=form)
        return render(request, "cases/detail.html", context, status=400)


class CaseAssignView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = case_for(request.user, pk, audit=False)
        form = AssignForm(request.POST)
        if form.is_valid():
            services.case_assign(by=request.user, case=case, owner=form.cleaned_data["owner"])
            messages.success(request, "Owner updated.")
            return redirect(case)
        return render(
            request, "cases/detail.html", CaseDetailView._context(request, case, assign_form=form), status=400
        )


def _message(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


class CaseMessagePostView(MatterUserRequiredMixin, View):
    """POST a message (or an ITG internal note) with attachments to a case's thread."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = case_for(request.user, pk, audit=False)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = case.get_absolute_url()
        try:
            services.case_message_post(
                by=request.user, case=case, body=request.POST.get("body", ""),
                internal=request.POST.get("internal") == "1", files=request.FILES.getlist("attachments"),
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, f"Not sent: {_message(error)}")
        else:
            messages.success(request, "Sent.")
        return redirect(back)


class MessageAttachmentView(MatterUserRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
        attachment = message_attachment_for(request.user, pk, attachment_pk)
        record(action=Action.CASE_ATTACHMENT_DOWNLOADED, by=request.user, obj=attachment.message.case,
               changes={"attachment": [None, f"{attachment.original_name} sha256:{attachment.sha256}"]})  # fmt: skip
        return file_response(attachment.storage_key, filename=attachment.original_name,
                             content_type=attachment.content_type, flags=attachment.pdf_flags)  # fmt: skip
