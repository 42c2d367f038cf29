"""Pages of the responses feature. Thin: parse, fetch through the access layer, call one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View

from itg.accounts.roles import ITGStaffRequiredMixin, MatterUserRequiredMixin
from itg.audit.actions import Action
from itg.audit.services import record
from itg.throttling import VerificationThrottle, page_refusal
from subpoenas.downloads import cited_letter_download
from subpoenas.responses import evidence, selectors, services
from subpoenas.responses.assemble import findings_exhibits
from subpoenas.responses.forms import AddEvidenceForm, AnswerForm, PrepareForm, VerifyForm
from subpoenas.responses.issuing import open_issued
from subpoenas.responses.models import EvidenceQuery
from subpoenas.responses.verification import document_verify
from subpoenas.selectors import demand_for

PRESIGNED_SECONDS = 300


@method_decorator(login_not_required, name="dispatch")
class VerifyView(View):
    """Anyone may check a PDF, signed in or not (issue 13: the page the response promises its readers).

    What it says is only what the file itself proves: the signature, and whether these exact bytes are a
    document the ITG issued (with what the document itself prints: kind, version, date, Bates range). The
    demand it answers is linked only for a signed-in user who may see that demand. Rate-limited per user or
    per address, and every check is audited (the file's SHA-256 and the verdict; the file is never kept).
    """

    template = "responses/verify.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template, {"form": VerifyForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        if refused := page_refusal(request, VerificationThrottle):
            response = render(
                request, self.template, {"form": VerifyForm(), "throttled": refused[0]}, status=429
            )
            response["Retry-After"] = str(refused[1])
            return response
        form = VerifyForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template, {"form": form}, status=400)
        # A visitor half-way through logging in (password, no code yet) is treated as anonymous.
        viewer = request.user if request.user.is_authenticated and request.user.is_verified() else None
        verdict = document_verify(form.cleaned_data["file"], by=viewer, source="page")
        context = {
            "form": VerifyForm(),
            "verdict": verdict,
            "issued": selectors.issued_document_view_for(viewer, verdict.issued),
            "file_name": request.FILES["file"].name,
        }
        return render(request, self.template, context)


class DemandResponseView(MatterUserRequiredMixin, View):
    """ITG staff: the evidence workbench and the versions. AG users: delivered versions and their records."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        demand = demand_for(request.user, pk)
        versions = selectors.versions_visible_to(request.user, demand)
        context = {"demand": demand, "versions": versions, "in_flight": any(v.in_flight for v in versions)}
        if request.user.is_itg_staff:
            context |= {
                "work": selectors.request_work(demand),
                "editable": evidence.evidence_editable(demand),
                "add_form": AddEvidenceForm(),
                "prepare_form": PrepareForm(),
            }
        elif versions:
            context["produced"] = selectors.produced_tracebacks(versions[0].snapshot)
            context["produced_findings"] = findings_exhibits(versions[0].snapshot["requests"])
        return render(request, "responses/demand.html", context)


def _back(request: HttpRequest, demand_pk: int, anchor: str = "") -> HttpResponseRedirect:
    return redirect(reverse("responses:demand", args=[demand_pk]) + anchor)


def _refuse(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class ProposeView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        demand_request = selectors.request_for(request.user, pk)
        try:
            kind = request.POST.get("kind") or EvidenceQuery.Kind.SCOPE
            query = evidence.evidence_propose(request=demand_request, by=request.user, kind=kind)
        except ValidationError as error:
            _refuse(request, error)
        else:
            found = (
                f"{len(query.result_rows)} provider(s) found, "
                if query.kind != EvidenceQuery.Kind.SCOPE
                else ""
            )
            messages.success(
                request, f"Request {demand_request.number}: {found}{query.result_count} tracebacks in scope."
            )
        return _back(request, demand_request.demand_id, f"#request-{demand_request.number}")


class AddEvidenceView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        demand_request = selectors.request_for(request.user, pk)
        form = AddEvidenceForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors["traceback"])
            evidence.evidence_add(
                request=demand_request, traceback_id=form.cleaned_data["traceback"], by=request.user
            )
        except ValidationError as error:
            _refuse(request, error)
        else:
            messages.success(request, f"Traceback linked to request {demand_request.number}.")
        return _back(request, demand_request.demand_id, f"#request-{demand_request.number}")


class RemoveEvidenceView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        link = selectors.link_for(request.user, pk)
        try:
            evidence.evidence_remove(link=link, by=request.user)
        except ValidationError as error:
            _refuse(request, error)
        return _back(request, link.request.demand_id, f"#request-{link.request.number}")


class RemoveManyEvidenceView(ITGStaffRequiredMixin, View):
    """Remove the records selected on the review (checkboxes; select all, by filter or invert): one post."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        demand_request = selectors.request_for(request.user, pk)
        try:
            ids = [
                int(v) for v in request.POST.getlist("link") if v.isascii() and v.isdigit() and len(v) < 19
            ]
            removed = evidence.evidence_remove_many(request=demand_request, link_ids=ids, by=request.user)
        except ValidationError as error:
            _refuse(request, error)
        else:
            messages.success(
                request, f"Request {demand_request.number}: {removed} record{pluralize(removed)} removed."
            )
        return _back(request, demand_request.demand_id, f"#request-{demand_request.number}")


class AnswerView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        demand_request = selectors.request_for(request.user, pk)
        form = AnswerForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            evidence.request_answer_set(request=demand_request, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refuse(request, error)
        else:
            messages.success(request, f"Answer to request {demand_request.number} saved.")
        return _back(request, demand_request.demand_id, f"#request-{demand_request.number}")


class PrepareView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        demand = demand_for(request.user, pk, audit=False)
        form = PrepareForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors["reason"])
            services.response_prepare(demand=demand, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _refuse(request, error)
        else:
            messages.success(request, "The response is being rendered and signed.")
        return _back(request, demand.pk, "#versions")


class RetryView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        response = selectors.response_for(request.user, pk)
        try:
            services.response_retry(response=response, by=request.user)
        except ValidationError as error:
            _refuse(request, error)
        return _back(request, response.demand_id, "#versions")


class DeliverView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        response = selectors.response_for(request.user, pk)
        try:
            services.response_deliver(response=response, by=request.user)
        except ValidationError as error:
            _refuse(request, error)
        else:
            messages.success(
                request, f"Version {response.version} delivered; the issuing office is notified."
            )
        return _back(request, response.demand_id, "#versions")


class DownloadView(MatterUserRequiredMixin, View):
    """The signed PDF as an attachment, never rendered inline; every download recorded.

    On S3 a presigned URL valid for five minutes (the bytes never pass through the app server); on local
    storage the file is streamed.
    """

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        response = selectors.response_for(request.user, pk, action=Action.RESPONSE_DOWNLOAD_DENIED)
        return signed_pdf_download(request, response)


class LetterView(MatterUserRequiredMixin, View):
    """A signed notice letter a version's findings exhibits cite (and its PDF embeds), for those who may
    see the version: the requesting office (and offices the matter is shared with) once it is delivered,
    ITG staff always. Before delivery, for anyone else, or for a letter the version does not cite: 404,
    recorded."""

    def get(self, request: HttpRequest, pk: int, reference: str) -> HttpResponse:
        response = selectors.response_for(request.user, pk, action=Action.LETTER_DOWNLOAD_DENIED)
        return cited_letter_download(
            by=request.user, reference=reference, cited=selectors.letters_cited_by(response), via=response,
            cited_by=f"{response.demand.tracking_number} response version {response.version}",
            object_state=response.demand.state,
        )  # fmt: skip


def signed_pdf_download(request: HttpRequest, response) -> HttpResponse:
    """Record the download and hand out the signed PDF: presigned S3 redirect, or streamed from local storage.

    Shared by the page and the API (`api.ResponseDownloadAPI`) so both answer and audit alike.
    """
    document = response.document
    if document is None:
        raise Http404("This version has no signed document yet.")
    name = f"ITG-response-{response.demand.tracking_number}-v{response.version}.pdf"
    record(
        action=Action.RESPONSE_DOWNLOADED,
        by=request.user,
        obj=response,
        changes={"sha256": document.sha256},
    )
    if hasattr(default_storage, "bucket_name"):
        url = default_storage.url(
            document.storage_key,
            parameters={"ResponseContentDisposition": f'attachment; filename="{name}"'},
            expire=PRESIGNED_SECONDS,
        )
        return HttpResponseRedirect(url)
    streamed = FileResponse(
        open_issued(document), as_attachment=True, filename=name, content_type="application/pdf"
    )
    streamed["X-Content-Type-Options"] = "nosniff"
    streamed["Cache-Control"] = "private, no-store"
    return streamed
