"""Pages of notice letters. ITG staff: the list, one letter, its PDF, sending, the templates (administrators).
Providers: the acknowledgement page reached through the e-mailed link (no login: the link is the credential).
Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from itg.accounts.roles import ITGAdminRequiredMixin, ITGStaffRequiredMixin
from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from providers.models import Provider
from tracebacks.ecosystem import selectors
from tracebacks.ecosystem.findings import Window
from tracebacks.ecosystem.letters import content, links, services
from tracebacks.ecosystem.letters.forms import AcknowledgeForm, LetterTemplateForm, SendForm
from tracebacks.ecosystem.letters.sandbox import ALLOWED_FILTERS, ALLOWED_TAGS
from tracebacks.ecosystem.models import LetterTemplate, NoticeLetter
from tracebacks.links import LinkInvalid
from tracebacks.views.common import apply_errors

K = LetterTemplate.Kind


def pdf_response(letter: NoticeLetter) -> HttpResponse:
    response = HttpResponse(services.letter_bytes(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.reference}.pdf"'
    return response


class LetterListView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        letters = NoticeLetter.objects.select_related("provider", "about", "sent_by").defer("content", "body")
        status = request.GET.get("status", "")
        if status in NoticeLetter.Status.values:
            letters = letters.filter(status=status)
        page = Paginator(letters, 50).get_page(request.GET.get("page"))
        return render(request, "ecosystem/letters/list.html",
                      {"page": page, "status": status, "statuses": NoticeLetter.Status.choices})  # fmt: skip


class LetterDetailView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        letter = get_object_or_404(NoticeLetter.objects.select_related("provider", "about", "sent_by"), pk=pk)
        later = NoticeLetter.objects.filter(provider=letter.provider_id, sent_at__gt=letter.sent_at).only(
            "reference", "sent_at", "kind", "pk")  # fmt: skip
        return render(request, "ecosystem/letters/detail.html", {"letter": letter, "later": later})


class LetterPdfView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        letter = get_object_or_404(NoticeLetter, pk=pk)
        record(action=Action.LETTER_DOWNLOADED, by=request.user, obj=letter, label=str(letter),
               changes={"sha256": letter.sha256})  # fmt: skip
        return pdf_response(letter)


class LetterTemplatesView(ITGAdminRequiredMixin, View):
    """Both templates on one page, with the fields they may use; each saved (and checked) on its own."""

    def _context(self, forms: dict | None = None) -> dict:
        rows = content.templates()
        forms = forms or {}
        return {"forms": [(rows[k], forms.get(k) or LetterTemplateForm(initial={"kind": k, "subject": rows[k].subject,
                                                                                 "body": rows[k].body}, prefix=k))
                          for k in K.values],
                "schema": content.SCHEMA_HELP.items(), "tags": ", ".join(ALLOWED_TAGS),
                "filters": ", ".join(ALLOWED_FILTERS)}  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "ecosystem/letters/templates.html", self._context())

    def post(self, request: HttpRequest) -> HttpResponse:
        kind = request.POST.get("which", "")
        if kind not in K.values:
            return render(request, "ecosystem/letters/templates.html", self._context(), status=400)
        form = LetterTemplateForm(request.POST, prefix=kind)
        if form.is_valid():
            try:
                services.letter_template_save(by=request.user, kind=kind, subject=form.cleaned_data["subject"],
                                              body=form.cleaned_data["body"])  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, f"{K(kind).label}: template saved. Letters sent from now on use it."
                )
                return redirect("ecosystem:letter_templates")
        return render(request, "ecosystem/letters/templates.html", self._context({kind: form}), status=400)


class LetterSendView(ITGStaffRequiredMixin, View):
    """Compose and send a provider's notice and letters to its downstream providers, over a window."""

    def _window(self, request: HttpRequest) -> Window:
        default = selectors.default_window(selectors.finding_settings())
        try:
            return Window(date.fromisoformat(request.GET.get("since") or default.start.isoformat()),
                          date.fromisoformat(request.GET.get("until") or default.end.isoformat()))  # fmt: skip
        except ValueError:
            return default

    def _render(self, request, provider, window, form, status=200):
        downstreams = content.downstreams(provider, window)
        found = selectors.provider_findings(
            provider, window, selectors.thresholds_of(selectors.finding_settings())
        )
        letters = NoticeLetter.objects.filter(provider=provider).only(
            "reference", "sent_at", "kind", "status", "pk"
        )
        return render(request, "ecosystem/letters/send.html",
                      {"provider": provider, "window": window, "form": form, "downstreams": downstreams,
                       "findings": found, "letters": letters}, status=status)  # fmt: skip

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = get_object_or_404(Provider, pk=pk)
        window = self._window(request)
        form = SendForm(initial={"since": window.start, "until": window.end, "notice": True},
                        downstreams=content.downstreams(provider, window))  # fmt: skip
        return self._render(request, provider, window, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = get_object_or_404(Provider, pk=pk)
        window = self._window(request)
        probe = SendForm(request.POST)
        if probe.is_valid():
            window = Window(probe.cleaned_data["since"], probe.cleaned_data["until"])
        downstreams = content.downstreams(provider, window)
        form = SendForm(request.POST, downstreams=downstreams)
        if form.is_valid():
            by_pk = {d.provider.pk: d.provider for d in downstreams}
            addressees = ([services.Addressee(K.NOTICE, provider)] if form.cleaned_data["notice"] else []) + [
                services.Addressee(K.DOWNSTREAM, by_pk[pk]) for pk in form.cleaned_data["downstream"]]  # fmt: skip
            try:
                sent = services.letters_send(
                    by=request.user, about=provider, window=window, addressees=addressees
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{len(sent)} signed letter{'s' if len(sent) != 1 else ''} sent: "
                                 + ", ".join(f"{x.reference} to {x.provider.business_name}" for x in sent) + ".")  # fmt: skip
                return redirect("ecosystem:letter_send", pk=provider.pk)
        return self._render(request, provider, window, form, status=400)


def _letter_from_link(token: str) -> NoticeLetter:
    claims = links.read_token(token)
    letter = NoticeLetter.objects.select_related("provider").filter(pk=claims.letter_id).first()
    if letter is None or letter.provider_id != claims.provider_id:
        raise LinkInvalid("This link is not valid.")
    return letter


def _link_refused(request: HttpRequest, reason: str) -> HttpResponse:
    record(action=Action.LETTER_LINK_DENIED, outcome=Outcome.DENIED, actor_email="e-mailed letter link",
           reason=reason, object_type="ecosystem.noticeletter")  # fmt: skip
    return render(request, "tracebacks/respond_invalid.html", {"reason": reason}, status=403)


def _actor(letter: NoticeLetter) -> str:
    return f"link:{letter.to_email or letter.provider_id}"


@method_decorator([login_not_required, never_cache], name="dispatch")
class AcknowledgeView(View):
    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            letter = _letter_from_link(token)
        except LinkInvalid as error:
            return _link_refused(request, str(error))
        record(action=Action.LETTER_LINK_OPENED, actor_email=_actor(letter), obj=letter, label=str(letter))
        return render(request, "ecosystem/letters/acknowledge.html",
                      {"letter": letter, "form": AcknowledgeForm(), "token": token})  # fmt: skip

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            letter = _letter_from_link(token)
        except LinkInvalid as error:
            return _link_refused(request, str(error))
        form = AcknowledgeForm(request.POST)
        if form.is_valid():
            try:
                services.letter_acknowledge(letter=letter, provider=letter.provider, name=form.cleaned_data["name"],
                                            via=NoticeLetter.Via.LINK, actor_email=_actor(letter))  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return render(request, "ecosystem/letters/acknowledge.html", {"letter": letter, "done": True})
        letter.refresh_from_db()
        return render(request, "ecosystem/letters/acknowledge.html",
                      {"letter": letter, "form": form, "token": token}, status=400)  # fmt: skip


@method_decorator([login_not_required, never_cache], name="dispatch")
class AcknowledgePdfView(View):
    """The signed letter again, for the addressee holding the link (in case the attachment was lost)."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            letter = _letter_from_link(token)
        except LinkInvalid as error:
            return _link_refused(request, str(error))
        record(action=Action.LETTER_DOWNLOADED, actor_email=_actor(letter), obj=letter, label=str(letter),
               changes={"sha256": letter.sha256, "via": "link"})  # fmt: skip
        return pdf_response(letter)
