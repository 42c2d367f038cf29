from __future__ import annotations

from django import forms

from tracebacks.ecosystem.models import FindingSettings


class FindingSettingsForm(forms.ModelForm):
    """Bounds are checked by the service (one message for the page, the API and the shell); the widgets
    accept any integer so that a zero or negative threshold reaches it and is refused with its reason."""

    window_months = forms.IntegerField(label="Rolling window (months)")
    threshold_a = forms.IntegerField(label="(a) unanswered or refused hops")
    threshold_b = forms.IntegerField(label="(b) tracebacks originated or accepted from the originator")
    threshold_c = forms.IntegerField(label="(c) tracebacks as US gateway for a foreign provider")
    threshold_d = forms.IntegerField(label="(d) 'no record' answers")

    class Meta:
        model = FindingSettings
        fields = ["window_months", "window_start", "window_end", "threshold_a", "threshold_b", "threshold_c",
                  "threshold_d"]  # fmt: skip
        widgets = {"window_start": forms.DateInput(attrs={"type": "date"}),
                   "window_end": forms.DateInput(attrs={"type": "date"})}  # fmt: skip

    def _post_clean(self) -> None:  # the service validates and saves; the model form only parses
        pass


class MonthForm(forms.Form):
    month = forms.DateField(
        label="Month",
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text="e.g. 2026-10: the report of that month.",
    )
