"""The page a provider reaches through the e-mailed link: no login, the signed link is the credential.

It shows only the hop asked of that provider (the call, the campaign, a transcript excerpt), never other
hops or other providers' answers. Opening the link does not use it up; answering does (one time).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from itg.audit.actions import Action, Outcome
from itg.audit.services import record
from itg.errors import error_status
from providers.selectors import provider_suggestions
from tracebacks import links, selectors, services, workflow
from tracebacks.api.serializers import HopOut
from tracebacks.forms import AnswerForm
from tracebacks.models import Hop, HopLinkUse
from tracebacks.services.hops import AnswerIn
from tracebacks.views.common import apply_errors


def _hop_from_link(token: str) -> tuple[Hop, links.LinkClaims]:
    claims = links.read_token(token)
    hop = Hop.objects.select_related("traceback__campaign", "provider").filter(pk=claims.hop_id).first()
    if hop is None or hop.provider_id != claims.provider_id:
        raise links.LinkInvalid(
            "This request is no longer addressed to your company; the ITG has reassigned it."
        )
    return hop, claims


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    record(action=Action.HOP_LINK_DENIED, outcome=Outcome.DENIED, actor_email="e-mailed link", reason=reason,
           object_type="tracebacks.hop")  # fmt: skip
    return render(request, "tracebacks/respond_invalid.html", {"reason": reason}, status=403)


@method_decorator([login_not_required, never_cache], name="dispatch")
class RespondView(View):
    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            hop, claims = _hop_from_link(token)
        except links.LinkInvalid as error:
            return _refused(request, str(error))
        record(action=Action.HOP_LINK_OPENED, actor_email=f"link:{hop.provider.traceback_email or hop.provider.pk}",
               obj=hop)  # fmt: skip
        return self._render(request, hop, claims, AnswerForm())

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            hop, claims = _hop_from_link(token)
        except links.LinkInvalid as error:
            return _refused(request, str(error))
        form, status = AnswerForm(request.POST, request.FILES), 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                upstream = None
                if d["answer"] == Hop.Answer.UPSTREAM or d["upstream"] or d["upstream_id"]:
                    upstream = selectors.resolve_provider(d["upstream"], d["upstream_id"])
                data = AnswerIn(
                    answer=d["answer"], upstream=upstream, attestation=d["attestation"] or "", origid=d["origid"],
                    signer=d["signer"], customer=d["customer"], notes=d["notes"], attachment=d["attachment"],
                )  # fmt: skip
                services.hop_answer(hop=hop, provider=hop.provider, data=data, link_nonce=claims.nonce,
                                    actor_email=f"link:{hop.provider.traceback_email or hop.provider.pk}")  # fmt: skip
            except ValidationError as error:
                services.hop_answer_refused(hop=hop, actor_email="e-mailed link", error=error)
                apply_errors(form, error)
                status = error_status(error)
            except PermissionDenied as error:
                apply_errors(form, error)
            else:
                hop.refresh_from_db()
                return render(request, "tracebacks/respond_done.html", {"hop": hop})
        return self._render(request, hop, claims, form, status=status)

    def _render(self, request, hop, claims, form, status=200):
        used = HopLinkUse.objects.filter(nonce=claims.nonce).exists()
        answerable = (
            not used and hop.answer in workflow.ANSWERABLE_HOP
            and hop.traceback.status in workflow.ANSWERABLE_TRACEBACK
            and hop.sequence == hop.traceback.hop_count
        )  # fmt: skip
        context = {"hop": hop, "call": HopOut(hop).data, "form": form, "answerable": answerable, "used": used}
        return render(request, "tracebacks/respond.html", context, status=status)


@method_decorator([login_not_required, never_cache], name="dispatch")
class RespondSuggestView(View):
    """Provider suggestions for the answer form, reachable only with a valid link."""

    def get(self, request: HttpRequest, token: str) -> JsonResponse:
        try:
            _hop_from_link(token)
        except links.LinkInvalid as error:
            return JsonResponse({"detail": str(error)}, status=403)
        return JsonResponse({"results": provider_suggestions(request.GET.get("q", ""))})
