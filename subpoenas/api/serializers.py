"""What the demands API reads and answers: one serializer per payload."""

from __future__ import annotations

import json

from rest_framework import serializers

from itg.params import NOTE_MAX, REQUEST_TEXT_MAX, validate_date
from subpoenas import intake, workflow
from subpoenas.models import DeadlineEvent, DemandDocument, DemandRequest, LegalDemand


class DocumentOut(serializers.ModelSerializer):
    class Meta:
        model = DemandDocument
        fields = [
            "id",
            "role",
            "original_name",
            "size",
            "content_type",
            "sha256",
            "pdf_pages",
            "pdf_flags",
            "uploaded_at",
        ]


class DeadlineEventOut(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=", ".join(DeadlineEvent.Kind.values))
    by = serializers.EmailField(source="by.email", default=None, read_only=True)

    class Meta:
        model = DeadlineEvent
        fields = [
            "id",
            "kind",
            "at",
            "by",
            "requested_date",
            "answered",
            "due_date_before",
            "due_date_after",
            "note",
            "letter",
        ]


class RequestOut(serializers.ModelSerializer):
    class Meta:
        model = DemandRequest
        fields = ["number", "text", "phone_numbers", "calling_numbers", "called_numbers", "terminating_states",
                  "date_from", "date_to", "providers", "campaigns"]  # fmt: skip


class DemandRowOut(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True, help_text="The issuing state's two-letter code.")
    owner = serializers.EmailField(source="case.owner.email", default=None, read_only=True, allow_null=True)

    class Meta:
        model = LegalDemand
        fields = ["id", "tracking_number", "kind", "state", "caption", "status", "due_date", "due_at",
                  "paused_since", "received_at", "case", "owner"]  # fmt: skip


class DemandOut(DemandRowOut):
    documents = DocumentOut(many=True, read_only=True)
    requests = RequestOut(many=True, read_only=True)
    deadline_events = DeadlineEventOut(many=True, read_only=True, help_text="The deadline's history.")
    allowed_actions = serializers.SerializerMethodField()

    class Meta(DemandRowOut.Meta):
        fields = DemandRowOut.Meta.fields + [
            "issuing_authority", "statute", "date_issued", "date_served", "return_date", "response_days",
            "response_day_kind", "confidentiality", "contact_name", "contact_email", "contact_phone",
            "due_explanation", "documents", "requests", "deadline_events", "allowed_actions",
        ]  # fmt: skip

    def get_allowed_actions(self, demand) -> list[str]:
        return sorted(workflow.allowed_actions(self.context["request"].user, demand))


class RequestIn(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, max_value=999)
    text = serializers.CharField(allow_blank=True, max_length=REQUEST_TEXT_MAX)
    phone_numbers = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list,
        help_text="Numbers on either side of the call (calling or called).",
    )  # fmt: skip
    calling_numbers = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list,
        help_text="Numbers only as the calling number (caller ID).",
    )  # fmt: skip
    called_numbers = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list,
        help_text="Numbers only as the called number.",
    )  # fmt: skip
    terminating_states = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, default=list,
        help_text="Two-letter state codes: calls terminating there (the called number's state).",
    )  # fmt: skip
    date_from = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validate_date]
    )
    date_to = serializers.DateField(required=False, allow_null=True, default=None, validators=[validate_date])
    providers = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list
    )
    campaigns = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list
    )


class DemandIn(serializers.Serializer):
    """Multipart: the fields below, `document` (the demand PDF), `attachments` (repeatable) and
    `requests` as a JSON array of objects (number, text, phone_numbers, calling_numbers, called_numbers,
    terminating_states, date_from, date_to, providers, campaigns)."""

    kind = serializers.ChoiceField(choices=LegalDemand.Kind.choices)
    case = serializers.IntegerField(required=False, allow_null=True, default=None)
    new_case_title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    caption = serializers.CharField(max_length=500)
    issuing_authority = serializers.CharField(max_length=300)
    statute = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    date_issued = serializers.DateField(validators=[validate_date])
    date_served = serializers.DateField(validators=[validate_date])
    return_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validate_date]
    )
    response_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=365
    )
    response_day_kind = serializers.ChoiceField(
        choices=["", *LegalDemand.DayKind.values], required=False, default=""
    )
    confidentiality = serializers.ChoiceField(choices=LegalDemand.Confidentiality.choices, default="standard")
    contact_name = serializers.CharField(max_length=200)
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    confirm_duplicate = serializers.BooleanField(required=False, default=False)
    requests = serializers.JSONField(help_text="A JSON array of requests.")
    document = serializers.FileField(help_text="The demand, PDF.")
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)

    def validate_requests(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise serializers.ValidationError("Send the requests as a JSON array.") from None
        if not isinstance(value, list):
            raise serializers.ValidationError("Send the requests as a JSON array.")
        rows = RequestIn(data=value, many=True)
        rows.is_valid(raise_exception=True)
        return [intake.RequestInput(**row) for row in rows.validated_data]

    def to_input(self) -> intake.DemandInput:
        d = dict(self.validated_data)
        for name in ("document", "attachments"):
            d.pop(name)
        d["case_id"] = d.pop("case")
        return intake.DemandInput(**d)


class TransitionIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(workflow.TRANSITIONS))
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX, default="")


class ExtensionAskIn(serializers.Serializer):
    requested_date = serializers.DateField(validators=[validate_date])
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX, default="")


class ExtensionAnswerIn(serializers.Serializer):
    grant = serializers.BooleanField()
    new_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validate_date]
    )
    letter = serializers.FileField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX, default="")


class CountsOut(serializers.Serializer):
    by_status = serializers.DictField(child=serializers.IntegerField())
    open = serializers.IntegerField()
    due_week = serializers.IntegerField()
    overdue = serializers.IntegerField()
    total = serializers.IntegerField()


class FeedOut(serializers.Serializer):
    url = serializers.URLField(help_text="Shown once: only its hash is kept.")


class ExtractIn(serializers.Serializer):
    document = serializers.FileField(help_text="A demand PDF; nothing is stored.")
