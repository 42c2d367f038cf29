"""The cases API: thin views over `cases.access` and `cases.services`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases import services
from cases.access import case_for
from cases.models import Case
from cases.selectors import case_list_for
from itg.accounts.models import Office
from itg.accounts.roles import IsMatterUser


class CaseOut(serializers.ModelSerializer):
    owner = serializers.EmailField(source="owner.email", default=None, read_only=True)

    class Meta:
        model = Case
        fields = ["id", "title", "lead_state", "reference", "owner", "created_at"]


class CaseIn(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    lead_state = serializers.CharField(
        max_length=2,
        required=False,
        allow_blank=True,
        default="",
        help_text="ITG staff only; AG users always open cases for their own state.",
    )


class ShareIn(serializers.Serializer):
    office = serializers.IntegerField(help_text="The id of the AG office to share with.")
    revoke = serializers.BooleanField(default=False)


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsMatterUser]
    serializer_class = CaseOut
    filterset_fields = ["lead_state"]

    def get_queryset(self):
        return case_list_for(self.request.user, q=self.request.query_params.get("q", ""))

    def get_object(self) -> Case:
        return case_for(self.request.user, self.kwargs["pk"])

    @extend_schema(request=CaseIn, responses={201: CaseOut})
    def create(self, request):
        data = CaseIn(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_create(by=request.user, **data.validated_data)
        return Response(CaseOut(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ShareIn, responses={200: CaseOut})
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        case = case_for(request.user, pk, audit=False)
        data = ShareIn(data=request.data)
        data.is_valid(raise_exception=True)
        office = get_object_or_404(Office, pk=data.validated_data["office"], kind=Office.Kind.AG)
        if data.validated_data["revoke"]:
            services.case_unshare(by=request.user, case=case, office=office)
        else:
            services.case_share(by=request.user, case=case, office=office)
        return Response(CaseOut(case).data)
