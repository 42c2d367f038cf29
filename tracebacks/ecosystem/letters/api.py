"""The provider API for notice letters: a provider lists the letters addressed to it, reads one, downloads
its signed PDF and acknowledges receipt. Only its own letters: another provider's id is a 404."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from itg.audit.actions import Action
from itg.audit.services import record
from itg.throttling import ClearThrottleMessage, ProviderThrottle
from tracebacks.api.auth import IsProvider, ProviderTokenAuthentication
from tracebacks.ecosystem.letters import selectors, services
from tracebacks.ecosystem.letters.views import pdf_response
from tracebacks.ecosystem.models import NoticeLetter


class LetterOut(serializers.ModelSerializer):
    about = serializers.CharField(source="about.business_name", read_only=True)
    about_rmd_number = serializers.CharField(source="about.rmd_number", read_only=True, default="")
    status = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = NoticeLetter
        fields = ["id", "reference", "kind", "subject", "about", "about_rmd_number", "window_start", "window_end",
                  "criteria", "sent_at", "status", "acknowledged_at", "acknowledged_name", "sha256"]  # fmt: skip
        read_only_fields = fields


class AcknowledgeIn(serializers.Serializer):
    name = serializers.CharField(
        max_length=200, help_text="The person acknowledging receipt, and their title."
    )


class _ProviderAPI(ClearThrottleMessage):
    authentication_classes = [ProviderTokenAuthentication]
    permission_classes = [IsProvider]
    throttle_classes = [ProviderThrottle]


class LetterListView(_ProviderAPI, generics.ListAPIView):
    """Notice letters addressed to your company, newest first (`?open=1`: only those not yet acknowledged)."""

    serializer_class = LetterOut
    filter_backends: list = []

    def get_queryset(self):
        letters = selectors.letters_to(self.request.user.provider)
        if self.request.query_params.get("open"):
            letters = letters.filter(status=NoticeLetter.Status.SENT)
        return letters


class LetterDetailView(_ProviderAPI, APIView):
    @extend_schema(responses=LetterOut)
    def get(self, request: Request, pk: int) -> Response:
        letter = selectors.letter_for_provider(request.user.provider, pk, actor_email=request.user.email)
        return Response(LetterOut(letter).data)


class LetterPdfView(_ProviderAPI, APIView):
    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The signed letter")
        }
    )
    def get(self, request: Request, pk: int):
        letter = selectors.letter_for_provider(request.user.provider, pk, actor_email=request.user.email)
        record(action=Action.LETTER_DOWNLOADED, actor_email=request.user.email, obj=letter, label=str(letter),
               changes={"sha256": letter.sha256, "via": "api"})  # fmt: skip
        return pdf_response(NoticeLetter.objects.get(pk=letter.pk))


class LetterAcknowledgeView(_ProviderAPI, APIView):
    @extend_schema(request=AcknowledgeIn, responses=LetterOut)
    def post(self, request: Request, pk: int) -> Response:
        provider = request.user.provider
        letter = selectors.letter_for_provider(provider, pk, actor_email=request.user.email)
        data = AcknowledgeIn(data=request.data)
        data.is_valid(raise_exception=True)
        letter = services.letter_acknowledge(letter=letter, provider=provider, name=data.validated_data["name"],
                                             via=NoticeLetter.Via.API, actor_email=request.user.email)  # fmt: skip
        return Response(LetterOut(letter).data)
