from __future__ import annotations

from django import forms

from tracebacks.ecosystem.models import LetterTemplate


class LetterTemplateForm(forms.Form):
    kind = forms.ChoiceField(choices=LetterTemplate.Kind.choices, widget=forms.HiddenInput)
    subject = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"class": "wide"}))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 24, "class": "mono wide"}))


class SendForm(forms.Form):
    """Which letters to send for a provider: its notice, and letters to the downstreams chosen."""

    since = forms.DateField(label="Window from", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="to", widget=forms.DateInput(attrs={"type": "date"}))
    notice = forms.BooleanField(label="A notice letter to the provider", required=False, initial=True)
    downstream = forms.TypedMultipleChoiceField(
        label="Letters to the downstream providers that accepted its traffic", coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple, choices=[],
    )  # fmt: skip

    def __init__(self, *args, downstreams=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["downstream"].choices = [
            (d.provider.pk, f"{d.provider.business_name} ({d.tracebacks} traceback{'s' if d.tracebacks != 1 else ''}"
                            f"{'' if d.provider.traceback_email else ', no e-mail address'})")
            for d in downstreams
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error(
                "until",
                f"The window ends ({data['until']:%Y-%m-%d}) before it starts ({data['since']:%Y-%m-%d}).",
            )
        if not data.get("notice") and not data.get("downstream"):
            raise forms.ValidationError("Choose at least one letter to send.")
        return data


class AcknowledgeForm(forms.Form):
    name = forms.CharField(label="Your name and title", max_length=200)
