"""Pages of the responses feature. Thin: parse, fetch through the access layer, call one service, render."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from subpoenas.responses import selectors
from subpoenas.responses.forms import VerifyForm
from subpoenas.responses.verification import document_verify


class VerifyView(LoginRequiredMixin, View):
    """Any signed-in user may check a PDF; the answer names a demand only to those who may see it."""

    template = "responses/verify.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template, {"form": VerifyForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = VerifyForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template, {"form": form}, status=400)
        verdict = document_verify(form.cleaned_data["file"], by=request.user)
        context = {
            "form": VerifyForm(),
            "verdict": verdict,
            "issued": selectors.issued_document_view_for(request.user, verdict.issued),
            "file_name": request.FILES["file"].name,
        }
        return render(request, self.template, context)
