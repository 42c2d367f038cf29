"""The ITG staff's traceback list API: the same rows and filters as the Tracebacks page.

Tracebacks are ITG work: AG users, auditors and providers are refused (a provider reaches only its own hops,
through `tracebacks/api/views.py`)."""

from __future__ import annotations

from rest_framework import generics, serializers

from itg.accounts.roles import IsITGStaff
from tracebacks import selectors
from tracebacks.filters import TracebackFilter
from tracebacks.models import Traceback


class TracebackRowOut(serializers.ModelSerializer):
    campaign = serializers.CharField(source="campaign.name")
    originating_provider = serializers.CharField(
        source="originating_provider.business_name", default=None, allow_null=True
    )
    gateway_provider = serializers.CharField(
        source="gateway_provider.business_name", default=None, allow_null=True
    )

    class Meta:
        model = Traceback
        fields = ["id", "campaign", "call_at", "call_tz", "calling_number", "called_number", "source", "status",
                  "hop_count", "originating_provider", "gateway_provider", "created_at", "ended_at"]  # fmt: skip


class TracebackListAPI(generics.ListAPIView):
    """Tracebacks, newest call first, filtered as the page filters them (`tracebacks/filters.py`)."""

    permission_classes = [IsITGStaff]
    serializer_class = TracebackRowOut
    filterset_class = TracebackFilter

    def get_queryset(self):
        return selectors.traceback_rows()
