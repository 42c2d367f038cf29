"""The cases API: thin views over `cases.access` and `cases.services`."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cases import services
from cases.access import case_for
from cases.filters import CaseFilter
from cases.models import Case
from cases.selectors import case_list_for, case_messages_for
from itg.accounts.models import Office
from itg.accounts.roles import IsMatterUser
from itg.calendar import jurisdiction_choices
from itg.params import MESSAGE_MAX


class CaseOut(serializers.ModelSerializer):
    owner = serializers.EmailField(source="owner.email", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Case
        fields = ["id", "title", "lead_state", "reference", "owner", "created_at"]


class CaseIn(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    lead_state = serializers.ChoiceField(
        choices=["", *(code for code, _name in jurisdiction_choices())],
        required=False,
        allow_blank=True,
        default="",
        help_text="ITG staff only; AG users always open cases for their own state.",
    )


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    sha256 = serializers.CharField()


class MessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.EmailField(source="author.email")
    body = serializers.CharField()
    internal = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentOut(many=True)


class MessageIn(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_MAX)
    internal = serializers.BooleanField(default=False, help_text="An internal note, ITG staff only.")
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ShareIn(serializers.Serializer):
    office = serializers.IntegerField(help_text="The id of the AG office to share with.")
    revoke = serializers.BooleanField(default=False)
    may_post = serializers.BooleanField(
        default=False, help_text="The office may write in the case's thread (off: it only reads the case)."
    )


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsMatterUser]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = CaseOut
    filterset_class = CaseFilter

    def get_queryset(self):
        return case_list_for(self.request.user)

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
            services.case_share(
                by=request.user, case=case, office=office, may_post=data.validated_data["may_post"]
            )
        return Response(CaseOut(case).data)

    @extend_schema(methods=["get"], responses={200: MessageOut(many=True)})
    @extend_schema(methods=["post"], request={"multipart/form-data": MessageIn}, responses={201: MessageOut})
    @action(detail=True, methods=["get", "post"])
    def messages(self, request, pk=None):
        """The case's thread between the requesting office and the ITG (internal notes for ITG staff only)."""
        case = case_for(request.user, pk, audit=request.method == "GET")
        if request.method == "GET":
            return Response(MessageOut(case_messages_for(request.user, case), many=True).data)
        data = MessageIn(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.case_message_post(
            by=request.user, case=case, body=data.validated_data["body"],
            internal=data.validated_data["internal"], files=request.FILES.getlist("attachments"),
        )  # fmt: skip
        return Response(MessageOut(message).data, status=status.HTTP_201_CREATED)
