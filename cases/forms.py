from __future__ import annotations

from django import forms

from cases.models import Case
from itg.accounts.models import Office, User
from itg.calendar import jurisdiction_choices


class CaseForm(forms.Form):
    title = forms.CharField(label="Title", max_length=300)
    reference = forms.CharField(label="Your matter number (optional)", max_length=100, required=False)
    lead_state = forms.ChoiceField(label="Lead state", choices=jurisdiction_choices())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_ag_staff:
            del self.fields["lead_state"]  # always the user's own state


class ShareForm(forms.Form):
    office = forms.ModelChoiceField(label="Share with", queryset=Office.objects.none())
    may_post = forms.BooleanField(
        label="May write in the thread", required=False,
        help_text="Off: the office reads the case and its demands, but does not write to the ITG for you.",
    )  # fmt: skip

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(kind=Office.Kind.AG).exclude(
            state=case.lead_state
        )


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label="Owner",
        required=False,
        empty_label="Nobody",
        queryset=User.objects.filter(role__in=["itg_staff", "itg_admin"], is_active=True),
    )
