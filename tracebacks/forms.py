from __future__ import annotations

from django import forms

from itg.params import validate_date
from tracebacks.models import Campaign, Hop, Traceback
from tracebacks.workflow import PROVIDER_ANSWERS


class CampaignForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="ITG style, e.g. SSA-CalltheSSA or Utility-30MinDisconnect."
    )
    kind = forms.ChoiceField(choices=Campaign.Kind.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    legal_basis = forms.CharField(max_length=300, required=False)


class TracebackForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.order_by("name"))
    call_at = forms.DateTimeField(
        validators=[validate_date], label="Call time", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Local time in the zone below.",
    )  # fmt: skip
    call_tz = forms.CharField(label="Time zone of the call time", initial="America/New_York", max_length=64)
    calling_number = forms.CharField(max_length=30, help_text="As displayed; often spoofed.")
    called_number = forms.CharField(max_length=30)
    terminating_provider = forms.CharField(
        max_length=300,
        help_text="The provider that delivered the call: RMD number, FRN or exact name.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-suggest": "1"}),
    )
    source = forms.ChoiceField(choices=Traceback.Source.choices)
    source_detail = forms.CharField(max_length=200, required=False)
    transcript = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    recording = forms.FileField(required=False, help_text="WAV, MP3, M4A/MP4 audio, OGG or FLAC.")
    transcript_file = forms.FileField(
        label="Transcript file", required=False, help_text="Text (TXT, VTT or SRT captions) or PDF."
    )


class BulkStartForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.order_by("name"))
    file = forms.FileField(
        label="Sample calls (CSV)",
        help_text="Columns: call_at, call_tz, calling_number, called_number, terminating_provider (RMD number "
        "or FRN), source; optional transcript, source_detail. One traceback per row; nothing starts unless "
        "every row is right.",
    )


class CloseForm(forms.Form):
    note = forms.CharField(label="Why close it", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReassignForm(forms.Form):
    provider = forms.CharField(
        label="Ask instead", max_length=300, help_text="RMD number, FRN or exact name."
    )
    note = forms.CharField(max_length=2000, required=False)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[(a.value, a.label) for a in PROVIDER_ANSWERS], widget=forms.RadioSelect,
        label="Your answer",
    )  # fmt: skip
    upstream = forms.CharField(
        label="Upstream provider", required=False, max_length=300,
        help_text="The provider you received the call from: business name, FRN or RMD number.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-suggest": "1"}),
    )  # fmt: skip
    upstream_id = forms.CharField(required=False, widget=forms.HiddenInput)
    customer = forms.CharField(
        label="Your customer (if you originated the call)", required=False, max_length=300
    )
    attestation = forms.ChoiceField(
        label="STIR/SHAKEN attestation", choices=Hop.Attestation.choices, required=False
    )
    origid = forms.UUIDField(
        label="origid", required=False, help_text="The UUID in the PASSporT's origid claim."
    )
    signer = forms.CharField(label="Signer", required=False, max_length=200)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
    attachment = forms.FileField(
        required=False,
        help_text="Call detail records or other evidence: PDF, CSV, TXT, XLSX, DOCX, PNG or JPEG.",
    )
