"""The demands API's viewsets: parse, call one selector or service, answer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from itg.accounts.roles import IsAGStaff, IsMatterUser
from itg.throttling import ClearThrottleMessage, ExtractionThrottle
from itg.uploads import PDF_ONLY, check_upload
from subpoenas import downloads, idempotency, intake, selectors, services
from subpoenas.api.serializers import (
    CountsOut,
    DemandIn,
    DemandOut,
    DemandRowOut,
    ExtensionAnswerIn,
    ExtensionAskIn,
    ExtractIn,
    FeedOut,
    TransitionIn,
)
from subpoenas.filters import DemandFilter, demand_rows
from subpoenas.models import DeadlineEvent, LegalDemand


class DemandViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsMatterUser]
    filterset_class = DemandFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return DemandRowOut if self.action == "list" else DemandOut

    def get_queryset(self):
        return demand_rows(selectors.demands_visible_to(self.request.user))

    def get_object(self) -> LegalDemand:
        return selectors.demand_for(self.request.user, self.kwargs["pk"])

    @extend_schema(
        request={"multipart/form-data": DemandIn}, responses={201: DemandOut},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                     description="Retrying a POST with the same key returns the first response.")],
    )  # fmt: skip
    def create(self, request):
        """Submit a demand (AG staff). Send an Idempotency-Key header so that a retry creates one demand."""
        if not request.user.is_ag_staff:
            raise PermissionDenied("Only attorney-general staff submit legal demands.")
        key = request.headers.get("Idempotency-Key", "").strip()[:200]
        if not key:
            return self._create(request)

        def run() -> idempotency.Answer:
            response = self._create(request)
            return idempotency.Answer(response.status_code, response.data)

        answer = idempotency.answer_once(
            user=request.user,
            key=key,
            fingerprint=idempotency.fingerprint(request.data, request.FILES),
            run=run,
        )
        return Response(answer.body, status=answer.status, headers=answer.headers)

    def _create(self, request) -> Response:
        data = DemandIn(data=request.data)
        data.is_valid(raise_exception=True)
        main, attachments = intake.check_demand_files(
            request.FILES.get("document"), request.FILES.getlist("attachments")
        )
        demand = intake.demand_receive_uploads(
            by=request.user, data=data.to_input(), main=main, attachments=attachments
        )
        demand = selectors.demand_for(request.user, demand.pk, audit=False)
        return Response(DemandOut(demand, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionIn, responses={200: DemandOut, 409: None})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Fire a workflow action (start_review, ask_clarification, answer_clarification, withdraw, ...)."""
        demand = selectors.demand_for(request.user, pk, audit=False)
        data = TransitionIn(data=request.data)
        data.is_valid(raise_exception=True)
        demand = services.demand_transition(demand=demand, by=request.user, **data.validated_data)
        return Response(DemandOut(demand, context={"request": request}).data)

    @extend_schema(request=ExtensionAskIn, responses={201: None})
    @action(detail=True, methods=["post"], url_path="extensions")
    def extension_ask(self, request, pk=None):
        """ITG staff ask the issuing office for a later return date."""
        demand = selectors.demand_for(request.user, pk, audit=False)
        data = ExtensionAskIn(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.extension_ask(demand=demand, by=request.user, **data.validated_data)
        return Response(
            {"id": event.pk, "requested_date": event.requested_date}, status=status.HTTP_201_CREATED
        )

    @extend_schema(request={"multipart/form-data": ExtensionAnswerIn}, responses={200: DemandOut})
    @action(detail=True, methods=["post"], url_path=r"extensions/(?P<event_pk>\d+)/answer")
    def extension_answer(self, request, pk=None, event_pk=None):
        """The issuing office grants (with its letter) or refuses an extension request."""
        demand = selectors.demand_for(request.user, pk, audit=False)
        asked = demand.deadline_events.filter(pk=event_pk, kind=DeadlineEvent.Kind.EXTENSION_ASKED).first()
        if asked is None:
            return Response({"detail": "No such extension request."}, status=status.HTTP_404_NOT_FOUND)
        data = ExtensionAnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.extension_answer(demand=demand, request=asked, by=request.user, **data.validated_data)
        demand.refresh_from_db()
        return Response(DemandOut(demand, context={"request": request}).data)

    @extend_schema(
        parameters=[OpenApiParameter("state", str), OpenApiParameter("q", str)], responses={200: CountsOut}
    )
    @action(detail=False, methods=["get"])
    def counts(self, request):
        """Counts by status, open, due within 7 days and overdue, over what the caller may see."""
        counts = selectors.status_counts(request.user, state=request.query_params.get("state", "")[:2])
        by_status = {value: n for value, _label, n in counts.pop("by_status")}
        return Response({**counts, "by_status": by_status})

    @extend_schema(
        responses={
            (200, "application/pdf"): bytes,
            (409, "text/plain"): OpenApiResponse(
                str, description="Not signed yet (just received): retry after the Retry-After seconds."
            ),
        }
    )
    @action(detail=True, methods=["get"], url_path="receipt")
    def receipt(self, request, pk=None):
        """The receipt PDF: tracking number, each file's SHA-256, received time in UTC and local time. Signed
        once just after intake; until then 409 with Retry-After."""
        demand = selectors.demand_for(request.user, pk, audit=False)
        return downloads.receipt_download(by=request.user, demand=demand)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<doc_pk>\d+)")
    def document(self, request, pk=None, doc_pk=None):
        """Download one document (streamed through the access check)."""
        doc = selectors.document_for(request.user, pk, doc_pk)
        return downloads.document_download(by=request.user, doc=doc)


class CalendarFeedView(viewsets.ViewSet):
    """The caller's secret ICS feed of due dates: POST makes a new address (the old one stops); revoke/ ends it."""

    permission_classes = [IsMatterUser]

    @extend_schema(request=None, responses={201: FeedOut})
    def create(self, request):
        from django.urls import reverse

        from subpoenas.feeds import calendar_feed_create

        token = calendar_feed_create(by=request.user)
        url = request.build_absolute_uri(reverse("subpoenas:calendar-ics", args=[token]))
        return Response({"url": url}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=False, methods=["post"])
    def revoke(self, request):
        from subpoenas.feeds import calendar_feed_revoke

        calendar_feed_revoke(by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExtractView(ClearThrottleMessage, viewsets.ViewSet):
    """Read a demand PDF and return every field the review page prefills, each with its page, context and
    confidence (`fields`), the requests (`requests`, or `requests_offered` when their numbering is not
    trusted) and messages (no text layer, pages not read, numbering). Nothing is stored."""

    permission_classes = [IsAGStaff]
    throttle_classes = [ExtractionThrottle]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": ExtractIn}, responses={200: dict})
    def create(self, request):
        upload = request.FILES.get("document")
        if upload is None:
            raise ValidationError({"document": "Attach the demand PDF."})
        checked = check_upload(upload, allowed=PDF_ONLY, field_name="document")
        return Response(
            {"sha256": checked.sha256, **intake.demand_reading(checked, state=request.user.state or "")}
        )
