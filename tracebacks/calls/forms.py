from __future__ import annotations

from django import forms

from itg.calendar import JURISDICTIONS
from itg.params import validate_date
from providers.models import Provider
from tracebacks.models import Campaign

from .models import Source
from .sources import CDR_FIELDS, DECLARATIONS


class CallSearchForm(forms.Form):
    number = forms.CharField(
        required=False, max_length=40, help_text="Any format: (202) 555-0143, +12025550143."
    )
    # Bounded like every date filter of the portal (a date_to of 9999-12-31 overflowed the next day's start).
    date_from = forms.DateField(
        required=False, validators=[validate_date], widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, validators=[validate_date], widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.ChoiceField(required=False, choices=[("", "Any")] + Source.choices)
    state = forms.ChoiceField(required=False, choices=[("", "Any")] + [(c, c) for c in sorted(JURISDICTIONS)])
    campaign = forms.ModelChoiceField(
        required=False, queryset=Campaign.objects.order_by("name"), empty_label="Any"
    )
    words = forms.CharField(required=False, max_length=200, label="Words of the transcript")


class ImportForm(forms.Form):
    source = forms.ChoiceField(choices=[(d.slug, d.label) for d in DECLARATIONS.values()])
    file = forms.FileField(help_text="CSV or JSON Lines, or a gzip or zip of one (a zip may add recordings).")
    provider = forms.ModelChoiceField(
        required=False, queryset=Provider.objects.order_by("business_name"), help_text="CDR files only."
    )
    time_zone = forms.CharField(
        required=False, max_length=64, help_text="For times written without an offset."
    )
    save_mapping = forms.BooleanField(required=False, initial=True, label="Remember this CDR mapping")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in CDR_FIELDS:
            self.fields[f"map_{name}"] = forms.CharField(
                required=False, max_length=100, label=f"CDR column for {name.replace('_', ' ')}"
            )

    def mapping(self) -> dict:
        return {
            n: self.cleaned_data.get(f"map_{n}", "").strip()
            for n in CDR_FIELDS
            if self.cleaned_data.get(f"map_{n}")
        }


class StartTracebackForm(forms.Form):
    campaign = forms.ModelChoiceField(queryset=Campaign.objects.order_by("name"))
    called_number = forms.CharField(max_length=30, help_text="The number that received the call.")
    terminating_provider = forms.CharField(
        max_length=300, help_text="The provider that delivered the call: RMD number, FRN or exact name."
    )


CERTIFICATE_MAX_BYTES = 64 * 1024  # a PEM certificate is 1-3 KB; a chain of a few, still far below this


class CertificateForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="Who signs with it, e.g. the carrier's name.")
    x5u = forms.URLField(
        required=False, max_length=500, label="x5u URL", assume_scheme="https",
        help_text="The URL the carrier's tokens name in x5u, if known. It is never fetched.",
    )  # fmt: skip
    file = forms.FileField(required=False, label="Certificate file (PEM)")
    pem = forms.CharField(
        required=False, label="Or paste the PEM", widget=forms.Textarea(attrs={"rows": 6}),
        max_length=CERTIFICATE_MAX_BYTES,
    )  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > CERTIFICATE_MAX_BYTES:
                raise forms.ValidationError({"file": "The file is larger than 64 KB: not a PEM certificate."})
            data["pem"] = upload.read()
        elif not (data.get("pem") or "").strip():
            raise forms.ValidationError({"file": "Choose the certificate file, or paste its PEM text."})
        return data
