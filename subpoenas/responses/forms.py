"""Forms of the responses pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from subpoenas.responses.models import RequestAnswer
from subpoenas.responses.verification import looks_like_pdf


def verify_max_bytes() -> int:
    return int(getattr(settings, "ITG_VERIFY_MAX_BYTES", 50 * 1024 * 1024))


class VerifyForm(forms.Form):
    file = forms.FileField(
        label="Signed PDF",
        help_text="The response or receipt as you received it. It is checked and discarded, never stored.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self) -> bytes:
        """The file's bytes, once known to be a PDF of acceptable size (decided by content, not name)."""
        upload = self.cleaned_data["file"]
        limit = verify_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; files up to {filesizeformat(limit)} can be checked."
            )
        data = upload.read()
        if not looks_like_pdf(data[:1024]):
            raise forms.ValidationError("This file is not a PDF. Choose the PDF file the ITG delivered.")
        return data


class AddEvidenceForm(forms.Form):
    traceback = forms.CharField(
        label="Traceback", max_length=20, help_text="Its identifier, e.g. TB-0000123, or its number."
    )

    def clean_traceback(self) -> int:
        text = self.cleaned_data["traceback"].strip().upper().removeprefix("TB-")
        if not text.isdigit() or int(text) == 0:
            raise forms.ValidationError("Enter a traceback identifier such as TB-0000123.")
        return int(text)


class AnswerForm(forms.Form):
    kind = forms.ChoiceField(label="Answer", choices=RequestAnswer.Kind.choices, widget=forms.RadioSelect)
    objection = forms.CharField(
        label="Objection",
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for an objection; printed in the response as written.",
    )


class PrepareForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the correction",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for a correction of a delivered response; its cover letter states it.",
    )
