"""The provider API: a provider lists the hops asked of it, reads one, and answers it."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from itg.audit.actions import Action
from itg.audit.services import record
from itg.throttling import ClearThrottleMessage, ProviderThrottle
from providers.selectors import provider_suggestions
from tracebacks import selectors, services
from tracebacks.api.auth import IsProvider, ProviderTokenAuthentication
from tracebacks.api.serializers import AnswerIn, HopOut, SuggestionsOut
from tracebacks.services.hops import AnswerIn as AnswerData


class _ProviderAPI(ClearThrottleMessage):
    authentication_classes = [ProviderTokenAuthentication]
    permission_classes = [IsProvider]
    throttle_classes = [ProviderThrottle]


class HopListView(_ProviderAPI, generics.ListAPIView):
    """Hops asked of your company, newest first (`?open=1`: only those awaiting your answer)."""

    serializer_class = HopOut
    filter_backends: list = []

    def get_queryset(self):
        hops = selectors.hops_asked_of(self.request.user.provider)
        if self.request.query_params.get("open"):
            hops = hops.filter(answer="pending")
        return hops


class HopDetailView(_ProviderAPI, APIView):
    @extend_schema(responses=HopOut)
    def get(self, request: Request, pk: int) -> Response:
        hop = selectors.hop_for_provider(request.user.provider, pk, actor_email=request.user.email)
        record(action=Action.HOP_PROVIDER_VIEWED, actor_email=request.user.email, obj=hop)
        return Response(HopOut(hop).data)


class HopAnswerView(_ProviderAPI, APIView):
    @extend_schema(request=AnswerIn, responses=HopOut)
    def post(self, request: Request, pk: int) -> Response:
        provider = request.user.provider
        hop = selectors.hop_for_provider(provider, pk, actor_email=request.user.email)
        data = AnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            upstream = None
            if values["answer"] == "upstream" or values["upstream"] or values["upstream_id"]:
                upstream = selectors.resolve_provider(values["upstream"], values["upstream_id"])
            answer = AnswerData(
                answer=values["answer"], upstream=upstream, attestation=values["attestation"], origid=values["origid"],
                signer=values["signer"], customer=values["customer"], notes=values["notes"],
                attachment=values["attachment"],
            )  # fmt: skip
            hop = services.hop_answer(hop=hop, provider=provider, data=answer, actor_email=request.user.email)
        except DjangoValidationError as error:
            services.hop_answer_refused(hop=hop, actor_email=request.user.email, error=error)
            raise
        return Response(HopOut(selectors.hop_for_provider(provider, hop.pk)).data)


class ProviderSuggestView(_ProviderAPI, APIView):
    """Registered providers matching `q` (name, FRN or RMD number), to name an upstream."""

    @extend_schema(responses=SuggestionsOut)
    def get(self, request: Request) -> Response:
        return Response({"results": provider_suggestions(request.query_params.get("q", ""))})
