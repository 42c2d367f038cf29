"""ITG staff pages of the provider registry: search, a provider's page (RMD status, tracebacks by role,
response times, no-responses, API token), provisional providers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from itg.accounts.roles import ITGStaffRequiredMixin
from providers import services as provider_services
from providers.forms import ProviderContactForm, ProvisionalProviderForm
from providers.models import Provider
from providers.selectors import provider_live_token, provider_search, provider_suggestions
from tracebacks import selectors
from tracebacks.ecosystem.letters.selectors import letters_of
from tracebacks.models import Hop
from tracebacks.views.common import CountedPaginator, apply_errors, message_of


class ProviderListView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        q = request.GET.get("q", "").strip()
        providers = provider_search(q) if q else Provider.objects.all()
        if request.GET.get("provisional"):
            providers = providers.filter(is_provisional=True)
        page = Paginator(providers.order_by("business_name", "pk"), 50).get_page(request.GET.get("page"))
        counts = selectors.hop_counts_for([p.pk for p in page.object_list])
        rows = [(p, counts.get(p.pk, {})) for p in page.object_list]
        return render(request, "tracebacks/providers.html", {"page": page, "rows": rows, "q": q})


class ProviderAddView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "tracebacks/provider_add.html", {"form": ProvisionalProviderForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProvisionalProviderForm(request.POST)
        if form.is_valid():
            try:
                provider = provider_services.provider_add_provisional(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{provider.business_name} added as a provisional provider.")
                return redirect(provider)
        return render(request, "tracebacks/provider_add.html", {"form": form}, status=400)


class ProviderDetailView(ITGStaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = get_object_or_404(Provider.objects.prefetch_related("contacts"), pk=pk)
        return render(request, "tracebacks/provider.html", provider_context(request, provider))


def provider_context(request: HttpRequest, provider: Provider, **extra) -> dict:
    stats = selectors.provider_stats(provider)
    hops = CountedPaginator(selectors.hops_asked_of(provider), 50, count=stats.total).get_page(
        request.GET.get("page")
    )
    return {
        "provider": provider, "stats": stats, "hops": hops,
        "roles": [(label, stats.by_role.get(value, 0)) for value, label in Hop.Role.choices],
        "answers": [(label, stats.by_answer.get(value, 0)) for value, label in Hop.Answer.choices],
        "token": provider_live_token(provider),
        "contact_form": extra.get("contact_form")
        or ProviderContactForm(initial={"traceback_email": provider.traceback_email, "time_zone": provider.time_zone}),
        "new_token": extra.get("new_token"),
        "letters": letters_of(provider.pk)[:50],
    }  # fmt: skip


class ProviderContactView(ITGStaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = get_object_or_404(Provider, pk=pk)
        form = ProviderContactForm(request.POST)
        if form.is_valid():
            try:
                provider_services.provider_update_contact(
                    by=request.user, provider=provider, **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Traceback contact saved.")
                return redirect(provider)
        context = provider_context(request, provider, contact_form=form)
        return render(request, "tracebacks/provider.html", context, status=400)


class ProviderTokenView(ITGStaffRequiredMixin, View):
    """POST: issue a token (shown once on the page that answers) or revoke the live one (`revoke`)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        provider = get_object_or_404(Provider, pk=pk)
        if request.POST.get("revoke"):
            try:
                provider_services.provider_token_revoke(by=request.user, provider=provider)
                messages.success(request, "API token revoked.")
            except ValidationError as error:
                messages.error(request, message_of(error))
            return redirect(provider)
        token = provider_services.provider_token_create(by=request.user, provider=provider)
        response = render(
            request, "tracebacks/provider.html", provider_context(request, provider, new_token=token)
        )
        response["Cache-Control"] = "no-store"
        return response


class ProviderSuggestView(ITGStaffRequiredMixin, View):
    """JSON suggestions for staff forms (terminating provider, reassign)."""

    def get(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse({"results": provider_suggestions(request.GET.get("q", ""))})
