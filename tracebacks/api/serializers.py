"""What a provider sees of a hop asked of it: the call, never other hops or other providers' answers."""

from __future__ import annotations

from rest_framework import serializers

from tracebacks import workflow
from tracebacks.models import Hop

EXCERPT = 400


class HopOut(serializers.ModelSerializer):
    traceback = serializers.IntegerField(source="traceback_id")
    call_at = serializers.DateTimeField(source="traceback.call_at")
    calling_number = serializers.CharField(source="traceback.calling_number")
    called_number = serializers.CharField(source="traceback.called_number")
    campaign = serializers.CharField(source="traceback.campaign.name")
    transcript_excerpt = serializers.SerializerMethodField()
    answerable = serializers.SerializerMethodField()

    class Meta:
        model = Hop
        fields = ["id", "traceback", "call_at", "calling_number", "called_number", "campaign",
                  "transcript_excerpt", "asked_at", "due_at", "answer", "answered_at", "is_late", "answerable"]  # fmt: skip

    def get_transcript_excerpt(self, hop: Hop) -> str:
        text = hop.traceback.transcript
        return text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + " …"

    def get_answerable(self, hop: Hop) -> bool:
        return hop.answer in workflow.ANSWERABLE_HOP and hop.traceback.status in workflow.ANSWERABLE_TRACEBACK


class AnswerIn(serializers.Serializer):
    answer = serializers.ChoiceField(choices=[(a.value, a.label) for a in workflow.PROVIDER_ANSWERS])
    upstream = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text="The upstream provider's RMD number, FRN or exact business name (answer 'upstream').",
    )  # fmt: skip
    upstream_id = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="An id from /providers/?q="
    )
    attestation = serializers.ChoiceField(choices=["A", "B", "C", ""], required=False, default="")
    origid = serializers.UUIDField(required=False, allow_null=True, default=None)
    signer = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    customer = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    attachment = serializers.FileField(
        required=False, allow_null=True, default=None,
        help_text="Evidence (multipart): PDF, PNG, JPEG, DOCX, XLSX, CSV or TXT; checked by its bytes and scanned.",
    )  # fmt: skip


class SuggestionOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    rmd_number = serializers.CharField()
    frn = serializers.CharField()
    foreign = serializers.BooleanField()
    label = serializers.CharField()


class SuggestionsOut(serializers.Serializer):
    results = SuggestionOut(many=True)
