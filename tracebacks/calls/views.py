"""ITG staff pages of the call store. AG users, auditors and providers get 403 (call data reaches the AGs
only through the trends and alerts built on it)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from itg.accounts.roles import ITGStaffRequiredMixin
from itg.audit.actions import Action
from itg.audit.services import record
from itg.exports import csv_lines
from tracebacks import selectors as tb_selectors
from tracebacks.views.common import CountedPaginator, apply_errors

from . import selectors, services
from .forms import CallSearchForm, CertificateForm, ImportForm, StartTracebackForm
from .models import ImportJob, SigningCertificate

PAGE_SIZE = 50
COUNT_CAP = 10_000  # counting 100 million rows for a pager is not worth it; "10,000+" is enough


def _capped_count(rows) -> int:
    return rows[: COUNT_CAP + 1].count()


class CallSearchView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = CallSearchForm(request.GET or None)
        f = selectors.CallFilters()
        if form.is_valid():
            d = form.cleaned_data
            f = selectors.CallFilters(
                number=d["number"], date_from=d["date_from"], date_to=d["date_to"], source=d["source"],
                state=d["state"], campaign=d["campaign"].pk if d["campaign"] else None, words=d["words"],
            )  # fmt: skip
        rows = selectors.call_list(f)
        count = _capped_count(rows)
        page = CountedPaginator(rows, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(request, "calls/search.html", {
            "form": form, "page": page, "count": count, "capped": count > COUNT_CAP, "query": query.urlencode(),
        })  # fmt: skip


class CallDetailView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int, form: StartTracebackForm | None = None) -> HttpResponse:
        call = selectors.call_for(pk)
        form = form or StartTracebackForm(
            initial={"called_number": call.called_number, "campaign": call.campaign_id}
        )
        return render(request, "calls/detail.html", {
            "call": call, "observations": selectors.observations_of(call), "form": form,
        }, status=400 if form.is_bound else 200)  # fmt: skip

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        call = selectors.call_for(pk)
        form = StartTracebackForm(request.POST)
        if form.is_valid():
            try:
                terminating = tb_selectors.resolve_provider(
                    form.cleaned_data["terminating_provider"], field="terminating_provider"
                )
                traceback = services.traceback_start_from_call(
                    by=request.user, call=call, campaign=form.cleaned_data["campaign"],
                    called_number=form.cleaned_data["called_number"], terminating_provider=terminating,
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, "Traceback started from this call: the terminating provider has been asked."
                )
                return redirect(traceback)
        return self.get(request, pk, form=form)


class SourcesView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "calls/sources.html", {"sources": selectors.source_summaries()})


class ImportListView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, form: ImportForm | None = None) -> HttpResponse:
        return render(request, "calls/imports.html", {"form": form or ImportForm(), "jobs": selectors.jobs_recent()},
                      status=400 if form is not None else 200)  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                job = services.import_job_create(
                    by=request.user, source=d["source"], upload=d["file"], provider=d["provider"],
                    mapping=form.mapping() or services.saved_mapping(d["provider"]), time_zone=d["time_zone"],
                    save_mapping=d["save_mapping"],
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                apply_errors(form, error)
            else:
                return redirect(job)
        return self.get(request, form=form)


class ImportDetailView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = selectors.job_for(pk)
        if request.GET.get("format") == "json":
            return JsonResponse(services.job_progress(job))
        rejects = job.rejects.all()[:50]
        return render(request, "calls/job.html", {"job": job, "progress": services.job_progress(job),
                                                  "rejects": rejects})  # fmt: skip


class RejectsDownloadView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        job = selectors.job_for(pk)
        record(action=Action.CALL_REJECTS_DOWNLOADED, by=request.user, obj=job,
               changes={"rows": [None, job.rejected]})  # fmt: skip
        rows = job.rejects.order_by("line").values_list("line", "reason", "raw").iterator(chunk_size=2000)
        response = StreamingHttpResponse(
            csv_lines(["line", "reason", "raw row"], rows), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-rejects.csv"'
        return response


class CertificateListView(ITGStaffRequiredMixin, View):
    """The STIR/SHAKEN signing certificates PASSporTs are verified against (uploaded, never fetched)."""

    def get(self, request: HttpRequest, form: CertificateForm | None = None) -> HttpResponse:
        return render(request, "calls/certificates.html", {
            "form": form or CertificateForm(), "certificates": SigningCertificate.objects.select_related("uploaded_by"),
        }, status=400 if form is not None else 200)  # fmt: skip

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CertificateForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                cert = services.signing_certificate_add(
                    by=request.user, name=d["name"], pem=d["pem"], x5u=d["x5u"]
                )
            except (ValidationError, PermissionDenied) as error:
                if d.get("file") and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                    error = ValidationError(
                        {"file" if k == "pem" else k: v for k, v in error.error_dict.items()}
                    )
                apply_errors(form, error)
            else:
                messages.success(request, f"Certificate “{cert.name}” added: tokens it signed now verify.")
                return redirect("calls:certificates")
        return self.get(request, form=form)


class CertificateRemoveView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        cert = get_object_or_404(SigningCertificate, pk=pk)
        services.signing_certificate_remove(by=request.user, certificate=cert)
        messages.success(request, f"Certificate “{cert.name}” removed: later imports no longer trust it.")
        return redirect("calls:certificates")


__all__ = ["ImportJob"]
