from __future__ import annotations

from django import forms

from itg.calendar import DEFAULT_PROVIDER_TZ


class RmdUploadForm(forms.Form):
    file = forms.FileField(
        label="RMD export (CSV)",
        help_text="The CSV exported from the FCC's Robocall Mitigation Database, with its header row.",
    )


class ProvisionalProviderForm(forms.Form):
    business_name = forms.CharField(max_length=300)
    frn = forms.CharField(label="FRN", max_length=10, required=False)
    traceback_email = forms.EmailField(label="Traceback contact e-mail", required=False)
    country = forms.CharField(max_length=100, required=False)
    is_foreign = forms.BooleanField(label="Foreign provider (outside the US)", required=False)
    time_zone = forms.CharField(max_length=64, initial=DEFAULT_PROVIDER_TZ, help_text="e.g. America/Chicago")


class ProviderContactForm(forms.Form):
    traceback_email = forms.EmailField(label="Traceback contact e-mail", required=False)
    time_zone = forms.CharField(
        max_length=64, help_text="IANA zone of the responding office, e.g. America/Chicago"
    )
