"""The alerts API: the same access rule as the pages (`selectors.alert_for` / `alert_list`).

ITG staff see every alert, drafts included; an AG user the sent alerts routed to or shared with their
office, with their office's copy; auditors get 403 (they do not work on matters); any other id is 404.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from itg.accounts.roles import IsMatterUser
from subpoenas.alerts import recipient, selectors
from subpoenas.alerts.models import Alert, AlertRecipient


class CopyOut(serializers.ModelSerializer):
    office = serializers.CharField(source="office.name")
    state = serializers.CharField(source="office.state")
    # Plain strings with their values listed (as the responses API does): one `status` enum per schema.
    status = serializers.CharField(read_only=True, help_text=", ".join(AlertRecipient.Status.values))

    class Meta:
        model = AlertRecipient
        fields = ["office", "state", "reason", "volume_in_state", "status", "delivered_at", "viewed_at",
                  "acknowledged_at", "investigation_at", "records_requested_at"]  # fmt: skip


class AlertOut(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True, help_text=", ".join(Alert.Status.values))
    campaign = serializers.CharField(source="campaign.name")
    campaign_kind = serializers.CharField(source="campaign.kind")
    states = serializers.SerializerMethodField()
    my_copy = serializers.SerializerMethodField(
        help_text="Your office's copy (AG users); null for ITG staff."
    )
    url = serializers.SerializerMethodField()
    packet_pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = ["id", "reference", "title", "status", "campaign", "campaign_kind", "period_start", "period_end",
                  "states", "sent_at", "my_copy", "url", "packet_pdf_url"]  # fmt: skip

    def get_states(self, alert: Alert) -> list[str]:
        return list((alert.packet or {}).get("states", []))

    def get_my_copy(self, alert: Alert) -> dict | None:
        copy = self.context.get("copies", {}).get(alert.pk)
        return CopyOut(copy).data if copy else None

    def get_url(self, alert: Alert) -> str:
        return reverse("api-alert", args=[alert.pk])

    def get_packet_pdf_url(self, alert: Alert) -> str | None:
        return None if alert.is_draft else reverse("alerts:packet", args=[alert.pk, "pdf"])


class AlertDetailOut(AlertOut):
    packet = serializers.JSONField(
        help_text="The frozen packet (sent alerts): volume, caller IDs, hop paths, laws."
    )

    class Meta(AlertOut.Meta):
        fields = AlertOut.Meta.fields + ["summary", "packet"]


class AlertListAPI(APIView):
    permission_classes = [IsMatterUser]

    @extend_schema(responses=AlertOut(many=True), summary="Alerts you may see")
    def get(self, request):
        rows = selectors.alert_list(request.user, status=request.query_params.get("status", ""))
        copies = {a.pk: c for a, c in rows if c is not None}
        return Response(AlertOut([a for a, _ in rows], many=True, context={"copies": copies}).data)


class AlertDetailAPI(APIView):
    permission_classes = [IsMatterUser]

    @extend_schema(responses=AlertDetailOut, summary="One alert, with its packet")
    def get(self, request, pk: int):
        alert = selectors.alert_for(request.user, pk)
        copy = selectors.copy_for(request.user, alert)
        recipient.alert_view(by=request.user, alert=alert, copy=copy)
        copies = {alert.pk: copy} if copy else {}
        return Response(AlertDetailOut(alert, context={"copies": copies}).data)


class AlertAcknowledgeAPI(APIView):
    permission_classes = [IsMatterUser]

    @extend_schema(request=None, responses=CopyOut, summary="Acknowledge an alert for your office")
    def post(self, request, pk: int):
        alert = selectors.alert_for(request.user, pk)
        copy = selectors.copy_for(request.user, alert)
        if copy is None:
            raise PermissionDenied("Only the offices that received this alert acknowledge it.")
        copy = recipient.alert_acknowledge(by=request.user, copy=copy)
        return Response(CopyOut(copy).data)
