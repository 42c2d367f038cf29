"""Forms of the intake pages and the demand page. Field-level checks only; rules live in the services."""

from __future__ import annotations

from django import forms

from itg.params import NOTE_MAX, REQUEST_TEXT_MAX, validate_date
from subpoenas.extraction import split_list
from subpoenas.intake import DemandInput, RequestInput
from subpoenas.models import LegalDemand

NEW_CASE = "new"


class UploadForm(forms.Form):
    document = forms.FileField(
        label="The demand (PDF)", required=False, help_text="The signed subpoena or CID, as served. PDF only."
    )


class DemandForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=LegalDemand.Kind.choices)
    case = forms.ChoiceField(label="Case", help_text="One of your state's cases, or a new one.")
    new_case_title = forms.CharField(label="New case title", max_length=300, required=False,
                                     help_text="Only when you chose “A new case”.")  # fmt: skip
    caption = forms.CharField(label="Caption", max_length=500)
    issuing_authority = forms.CharField(label="Issuing authority", max_length=300,
                                        help_text="E.g. Consumer Protection Division, Office of the Attorney General.")  # fmt: skip
    statute = forms.CharField(label="Statute cited", max_length=300, required=False)
    date_issued = forms.DateField(
        label="Date issued", validators=[validate_date], widget=forms.DateInput(attrs={"type": "date"})
    )
    date_served = forms.DateField(
        label="Date served", validators=[validate_date], widget=forms.DateInput(attrs={"type": "date"})
    )
    return_date = forms.DateField(label="Return date", required=False, validators=[validate_date], widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text="Or give a response period below.")  # fmt: skip
    response_days = forms.IntegerField(
        label="Response period (days)", required=False, min_value=1, max_value=365
    )
    response_day_kind = forms.ChoiceField(
        label="Counted in", required=False, choices=[("", "—"), *LegalDemand.DayKind.choices]
    )
    confidentiality = forms.ChoiceField(label="Confidentiality", choices=LegalDemand.Confidentiality.choices)
    contact_name = forms.CharField(label="Contact person", max_length=200)
    contact_email = forms.EmailField(label="Contact e-mail")
    contact_phone = forms.CharField(label="Contact phone", max_length=40, required=False)
    confirm_duplicate = forms.BooleanField(
        label="I checked the possible duplicate: this is a separate demand", required=False
    )

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [(NEW_CASE, "A new case"), *[(str(c.pk), str(c)) for c in cases]]

    def to_input(self, requests: list[RequestInput]) -> DemandInput:
        d = self.cleaned_data
        case = d["case"]
        return DemandInput(
            kind=d["kind"], caption=d["caption"], issuing_authority=d["issuing_authority"],
            date_issued=d["date_issued"], date_served=d["date_served"], contact_name=d["contact_name"],
            contact_email=d["contact_email"], case_id=None if case == NEW_CASE else int(case),
            new_case_title=d["new_case_title"], statute=d["statute"], return_date=d["return_date"],
            response_days=d["response_days"], response_day_kind=d["response_day_kind"],
            confidentiality=d["confidentiality"], contact_phone=d["contact_phone"], requests=requests,
            confirm_duplicate=d["confirm_duplicate"],
        )  # fmt: skip


class RequestForm(forms.Form):
    number = forms.IntegerField(label="No.", required=False, min_value=1, max_value=999)
    text = forms.CharField(
        label="Request text",
        required=False,
        max_length=REQUEST_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    phone_numbers = forms.CharField(label="Calling or called numbers", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="Either side of the call. Any US format, one per line or comma-separated.")  # fmt: skip
    calling_numbers = forms.CharField(label="Calling numbers (caller ID)", required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}), help_text="Only as the number calling.")  # fmt: skip
    called_numbers = forms.CharField(label="Called numbers", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                     help_text="Only as the number called.")  # fmt: skip
    terminating_states = forms.CharField(label="Calls terminating in (states)", required=False, max_length=200,
                                         help_text="Two-letter codes (TX, OK): the called number's state.")  # fmt: skip
    date_from = forms.DateField(
        label="From",
        required=False,
        validators=[validate_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label="To", required=False, validators=[validate_date], widget=forms.DateInput(attrs={"type": "date"})
    )
    providers = forms.CharField(label="Providers (name, FRN or RMD number)", required=False)
    campaigns = forms.CharField(label="Campaigns", required=False)

    def to_input(self, position: int) -> RequestInput | None:
        d = self.cleaned_data
        scope = ("text", "phone_numbers", "calling_numbers", "called_numbers", "terminating_states", "providers",
                 "campaigns")  # fmt: skip
        if not d or not any(d.get(k) for k in scope):
            return None
        return RequestInput(
            number=d.get("number") or position, text=d.get("text") or "",
            phone_numbers=split_list(d.get("phone_numbers") or ""), date_from=d.get("date_from"),
            date_to=d.get("date_to"), providers=split_list(d.get("providers") or ""),
            campaigns=split_list(d.get("campaigns") or ""),
            calling_numbers=split_list(d.get("calling_numbers") or ""),
            called_numbers=split_list(d.get("called_numbers") or ""),
            terminating_states=split_list(d.get("terminating_states") or ""),
        )  # fmt: skip


RequestFormSet = forms.formset_factory(RequestForm, extra=3, max_num=200, absolute_max=200)


def requests_from(formset) -> list[RequestInput]:
    rows = [form.to_input(i + 1) for i, form in enumerate(formset.forms)]
    return [r for r in rows if r is not None]


class TransitionForm(forms.Form):
    action = forms.CharField()
    note = forms.CharField(
        label="Note", required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionAskForm(forms.Form):
    requested_date = forms.DateField(
        validators=[validate_date],
        label="New return date asked",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label="Why", required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionAnswerForm(forms.Form):
    grant = forms.TypedChoiceField(
        label="Answer", choices=[("1", "Grant"), ("0", "Refuse")], coerce=lambda v: v == "1"
    )
    new_date = forms.DateField(
        validators=[validate_date],
        label="New return date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    letter = forms.FileField(label="Letter granting the extension (PDF)", required=False)
    note = forms.CharField(
        label="Note", required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
