"""The call store API (ITG staff only): search calls, read one with its observations, import files."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from itg.accounts.roles import IsITGStaff
from itg.params import query_date
from providers.models import Provider

from . import selectors, services
from .models import CallRecord, ImportJob
from .sources import DECLARATIONS


class CallOut(serializers.ModelSerializer):
    campaign = serializers.CharField(source="campaign.name", default=None, read_only=True)

    class Meta:
        model = CallRecord
        fields = [
            "id", "source", "source_record_id", "call_at", "call_tz", "date_only", "calling_number",
            "calling_number_raw", "called_number", "consumer_city", "consumer_state", "consumer_zip",
            "consumer_area_code", "called_state", "subject", "robocall", "transcript", "attest", "orig_tn",
            "dest_tn", "iat", "origid", "x5u", "verification", "campaign", "call_group", "job", "ingested_at",
        ]  # fmt: skip


class CallDetailOut(CallOut):
    observations = serializers.SerializerMethodField()

    class Meta(CallOut.Meta):
        fields = [*CallOut.Meta.fields, "passport", "observations"]

    def get_observations(self, call) -> list[dict]:
        return CallOut(selectors.observations_of(call), many=True).data


class JobOut(serializers.ModelSerializer):
    # A plain string, not an enum: another "status" enum (legal demands) already owns the schema's name.
    status = serializers.CharField(read_only=True, help_text="queued, running, done, failed or refused.")

    class Meta:
        model = ImportJob
        fields = ["id", "source", "status", "original_name", "size", "created_at", "started_at", "finished_at",
                  "rows_read", "created", "duplicates", "rejected", "chunks_done", "error"]  # fmt: skip


class JobIn(serializers.Serializer):
    source = serializers.ChoiceField(choices=sorted(DECLARATIONS))
    file = serializers.FileField()
    provider = serializers.PrimaryKeyRelatedField(
        queryset=Provider.objects.all(), required=False, allow_null=True
    )
    mapping = serializers.JSONField(
        required=False, help_text='CDR: field -> column, e.g. {"call_time": "Start"}.'
    )
    time_zone = serializers.CharField(required=False, allow_blank=True, default="")


_FILTERS = [OpenApiParameter(n, str, description=d) for n, d in [
    ("number", "A phone number in any format (calling or called)."), ("date_from", "YYYY-MM-DD (UTC)."),
    ("date_to", "YYYY-MM-DD (UTC), inclusive."), ("source", "ftc_dnc, fcc_complaint, honeypot, cdr, shaken, ..."),
    ("state", "Called party's state, e.g. TX."), ("campaign", "Campaign id."), ("words", "Words of the transcript."),
]]  # fmt: skip


def _filters(params) -> selectors.CallFilters:
    def day(name):
        # The portal's date parameters (a 400 naming the parameter): date_to 9999-12-31 overflowed the
        # next day's start.
        return query_date(params.get(name), name)

    campaign = params.get("campaign", "")
    return selectors.CallFilters(
        number=params.get("number", ""), date_from=day("date_from"), date_to=day("date_to"),
        source=params.get("source", ""), state=params.get("state", ""),
        campaign=int(campaign) if campaign.isdigit() else None, words=params.get("words", ""),
    )  # fmt: skip


class CallListView(generics.ListAPIView):
    """Calls newest first, filtered like the search page."""

    permission_classes = [IsITGStaff]
    serializer_class = CallOut
    filter_backends: list = []

    @extend_schema(parameters=_FILTERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.call_list(_filters(self.request.query_params))


class CallDetailView(APIView):
    permission_classes = [IsITGStaff]

    @extend_schema(responses=CallDetailOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(CallDetailOut(selectors.call_for(pk)).data)


class JobListView(APIView):
    """Recent import jobs; POST a file to start one (the job runs in the background: poll it)."""

    permission_classes = [IsITGStaff]
    parser_classes = [MultiPartParser]

    @extend_schema(responses=JobOut(many=True))
    def get(self, request: Request) -> Response:
        return Response(JobOut(selectors.jobs_recent(), many=True).data)

    @extend_schema(request=JobIn, responses={201: JobOut})
    def post(self, request: Request) -> Response:
        data = JobIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        job = services.import_job_create(
            by=request.user, source=d["source"], upload=d["file"], provider=d.get("provider"),
            mapping=d.get("mapping") or services.saved_mapping(d.get("provider")), time_zone=d["time_zone"],
        )  # fmt: skip
        job.refresh_from_db()
        return Response(JobOut(job).data, status=status.HTTP_201_CREATED)


class JobDetailView(APIView):
    permission_classes = [IsITGStaff]

    @extend_schema(responses=JobOut)
    def get(self, request: Request, pk: int) -> Response:
        return Response(JobOut(selectors.job_for(pk)).data)
