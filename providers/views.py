"""The RMD import pages (ITG administrators): upload the export, watch the import's progress."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from itg.accounts.roles import ITGAdminRequiredMixin
from providers import services
from providers.forms import RmdUploadForm
from providers.models import RmdImport


class RmdImportView(ITGAdminRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, RmdUploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RmdUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = services.rmd_import_start(by=request.user, upload=form.cleaned_data["file"])
            except ValidationError as error:
                form.add_error("file", error.message_dict.get("file", error.messages))
            else:
                return redirect(job)
        return self._render(request, form, status=400)

    def _render(self, request, form, status=200):
        jobs = RmdImport.objects.select_related("uploaded_by")[:20]
        return render(request, "providers/import.html", {"form": form, "jobs": jobs}, status=status)


class RmdImportDetailView(ITGAdminRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = get_object_or_404(RmdImport.objects.select_related("uploaded_by"), pk=pk)
        return render(request, "providers/import_detail.html", {"job": job})
