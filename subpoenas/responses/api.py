"""The responses API: thin views over `subpoenas.responses.selectors` and `services`, the same rules as the pages.

Who may do what is decided by the access layer and the services, never here: ITG staff see every version
and the working evidence, prepare and deliver; the requesting office sees delivered versions and what they
produced; an auditor's role does not work on matters (403); anyone else gets 404 (ids reveal nothing).
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response as APIResponse
from rest_framework.views import APIView

from itg.accounts.roles import IsITGStaff, IsMatterUser
from itg.audit.actions import Action
from subpoenas.responses import selectors, services
from subpoenas.responses.models import RequestAnswer, Response
from subpoenas.responses.views import signed_pdf_download
from subpoenas.selectors import demand_for


class ResponseOut(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text=", ".join(Response.Status.values))
    bates_range = serializers.CharField(source="document.bates_range", default="", read_only=True)
    sha256 = serializers.CharField(source="document.sha256", default=None, read_only=True)
    signed_at = serializers.DateTimeField(source="document.signed_at", default=None, read_only=True)
    development_signature = serializers.BooleanField(
        source="document.is_development", default=None, read_only=True,
        help_text="Signed with the development certificate: never evidence of anything.",
    )  # fmt: skip
    created_by = serializers.EmailField(source="created_by.email", read_only=True)
    delivered_by = serializers.EmailField(source="delivered_by.email", default=None, read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = ["id", "version", "status", "reason", "bates_range", "sha256", "signed_at",
                  "development_signature", "progress", "progress_label", "error", "created_by", "created_at",
                  "delivered_by", "delivered_at", "download_url"]  # fmt: skip

    def get_download_url(self, response: Response) -> str | None:
        if response.document_id is None:
            return None
        return reverse("api-response-download", args=[response.pk])


class PrepareIn(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="",
        help_text="Required for a correction (any version after the first): printed on its cover letter.",
    )  # fmt: skip


class TracebackOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.SerializerMethodField()
    call_at = serializers.DateTimeField()
    calling_number = serializers.CharField()
    called_number = serializers.CharField()
    campaign = serializers.CharField(source="campaign.name")

    def get_reference(self, traceback) -> str:
        return f"TB-{traceback.pk:07d}"


class RequestEvidenceOut(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    answer = serializers.ChoiceField(
        choices=["", *RequestAnswer.Kind.values], help_text="Empty: not answered."
    )
    objection = serializers.CharField()
    tracebacks = TracebackOut(many=True)


class EvidenceOut(serializers.Serializer):
    version = serializers.IntegerField(
        allow_null=True,
        help_text="The delivered version the evidence comes from; null for ITG staff's working set "
        "(or, for the requesting office, before any delivery: then `requests` is empty).",
    )
    requests = RequestEvidenceOut(many=True)


class DemandResponsesAPI(APIView):
    """A demand's response versions (GET, newest first) and preparing a new one (POST, ITG staff)."""

    def get_permissions(self):
        return [IsITGStaff()] if self.request.method == "POST" else [IsMatterUser()]

    @extend_schema(responses={200: ResponseOut(many=True)})
    def get(self, request, pk: int):
        """ITG staff: every version. The requesting office: delivered versions only."""
        demand = demand_for(request.user, pk)
        versions = selectors.versions_visible_to(request.user, demand)
        return APIResponse(ResponseOut(versions, many=True).data)

    @extend_schema(
        request=PrepareIn, responses={202: ResponseOut, 400: OpenApiResponse(description="Not ready.")}
    )
    def post(self, request, pk: int):
        """Freeze the evidence into a new version and queue its rendering and signing (poll the list)."""
        demand = demand_for(request.user, pk, audit=False)
        data = PrepareIn(data=request.data)
        data.is_valid(raise_exception=True)
        response = services.response_prepare(demand=demand, by=request.user, **data.validated_data)
        return APIResponse(ResponseOut(response).data, status=status.HTTP_202_ACCEPTED)


class DemandEvidenceAPI(APIView):
    """Per request, the answer and the tracebacks produced (or, for ITG staff, linked so far)."""

    permission_classes = [IsMatterUser]

    @extend_schema(responses={200: EvidenceOut})
    def get(self, request, pk: int):
        demand = demand_for(request.user, pk)
        versions = [] if request.user.is_itg_staff else selectors.versions_visible_to(request.user, demand)
        version, rows = selectors.evidence_visible_to(request.user, demand, versions)
        return APIResponse(EvidenceOut({"version": version, "requests": rows}).data)


class ResponseDeliverAPI(APIView):
    permission_classes = [IsITGStaff]

    @extend_schema(
        request=None, responses={200: ResponseOut, 400: OpenApiResponse(description="Not signed.")}
    )
    def post(self, request, pk: int):
        """Release a signed version to the issuing office, which is notified."""
        response = selectors.response_for(request.user, pk)
        response = services.response_deliver(response=response, by=request.user)
        return APIResponse(ResponseOut(response).data)


class ResponseDownloadAPI(APIView):
    permission_classes = [IsMatterUser]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(bytes, description="The signed PDF, as an attachment."),
            302: OpenApiResponse(description="On S3: a presigned URL valid five minutes."),
        }
    )
    def get(self, request, pk: int):
        """The signed PDF of a version, recorded in the audit trail like the page's download."""
        response = selectors.response_for(request.user, pk, action=Action.RESPONSE_DOWNLOAD_DENIED)
        return signed_pdf_download(request, response)
