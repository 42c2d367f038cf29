"""The auditors' search form: every filter maps to an indexed column (see AuditEvent.Meta.indexes)."""

from __future__ import annotations

from django import forms

from itg.accounts.models import Office
from itg.audit.actions import Action, Outcome
from itg.calendar import jurisdiction_choices
from itg.params import validate_date

_ANY = [("", "Any")]
_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S")


def _offices() -> list[tuple[str, str]]:
    return _ANY + [(name, name) for name in Office.objects.order_by("name").values_list("name", flat=True)]


class AuditFilterForm(forms.Form):
    email = forms.CharField(
        label="Person (e-mail)", required=False, max_length=254, help_text="The exact address, as recorded."
    )
    office = forms.ChoiceField(label="Person's office", required=False, choices=_offices)
    actor_state = forms.ChoiceField(label="Person's state", required=False)
    object_state = forms.ChoiceField(label="Matter's state", required=False)
    action = forms.ChoiceField(label="Action", required=False, choices=_ANY + list(Action.choices))
    outcome = forms.ChoiceField(label="Outcome", required=False, choices=_ANY + list(Outcome.choices))
    object_type = forms.CharField(
        label="Object type", required=False, max_length=64, help_text="e.g. cases.case"
    )
    object_id = forms.CharField(label="Object id", required=False, max_length=64)
    label = forms.CharField(
        label="Object label contains",
        required=False,
        max_length=100,
        help_text="Slower: combine it with another filter.",
    )
    since = forms.DateTimeField(label="From (UTC)", required=False, validators=[validate_date], widget=_WHEN)
    until = forms.DateTimeField(label="Until (UTC)", required=False, validators=[validate_date], widget=_WHEN)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        states = _ANY + jurisdiction_choices()
        self.fields["actor_state"].choices = states
        self.fields["object_state"].choices = states

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] <= data["since"]:
            self.add_error("until", "Choose a time after the start of the range.")
        if data.get("object_id") and not data.get("object_type"):
            self.add_error("object_type", "Give the object type too: ids are only unique within a type.")
        return data

    def filters(self) -> dict:
        """The non-empty filters, for the selector and for the audit record of this search."""
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


class StateHistoryFilterForm(AuditFilterForm):
    """An AG supervisor narrows their own state's history: by person, action and time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("office", "actor_state", "object_state", "outcome", "label"):
            del self.fields[name]
