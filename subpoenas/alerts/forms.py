"""Forms of the alerts pages: parse and validate input; the services decide."""

from __future__ import annotations

from django import forms

from itg.accounts.models import Office
from subpoenas.alerts.models import AlertRule, Subscription
from tracebacks.models import Campaign

KINDS = Campaign.Kind.choices


def _ag_offices():
    return Office.objects.filter(kind=Office.Kind.AG).order_by("name")


class AlertEditForm(forms.Form):
    title = forms.CharField(max_length=300)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="Your words to the recipients, printed at the top of the packet.")  # fmt: skip
    extra_offices = forms.ModelMultipleChoiceField(
        queryset=_ag_offices(), required=False, label="Also send to",
        help_text="Offices beyond those the routing picks (task-force members, say).",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )  # fmt: skip

    def __init__(self, *args, states=(), statutes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extra_offices"].queryset = _ag_offices()
        self.states = list(states)
        for state in self.states:
            self.fields[f"statute_{state}"] = forms.CharField(
                label=f"{state}: the state's own statute", required=False, max_length=500,
                initial=(statutes or {}).get(state, ""),
            )  # fmt: skip

    def statutes(self) -> dict[str, str]:
        return {s: self.cleaned_data.get(f"statute_{s}", "") for s in self.states}


class ShareForm(forms.Form):
    office = forms.ModelChoiceField(queryset=_ag_offices(), label="Share with")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = _ag_offices()


class InvestigationForm(forms.Form):
    title = forms.CharField(max_length=300, required=False, label="Case title",
                            help_text="Leave empty to name the case after the campaign and the alert.")  # fmt: skip
    reference = forms.CharField(max_length=100, required=False, label="Your matter number")


class RecordsRequestForm(forms.Form):
    document = forms.FileField(label="The signed subpoena or CID (PDF)",
                               help_text="Its requests are prefilled from the alert on the next page.")  # fmt: skip


class RuleForm(forms.ModelForm):
    campaign_kinds = forms.MultipleChoiceField(choices=KINDS, required=False, widget=forms.CheckboxSelectMultiple,
                                               help_text="None ticked: every kind.")  # fmt: skip

    class Meta:
        model = AlertRule
        fields = [
            "name",
            "kind",
            "threshold",
            "window_days",
            "storm_hours",
            "min_volume",
            "campaign_kinds",
            "is_active",
        ]


class SubscriptionForm(forms.Form):
    campaign_kinds = forms.MultipleChoiceField(choices=KINDS, required=False, widget=forms.CheckboxSelectMultiple,
                                               label="Campaign kinds hitting our state",
                                               help_text="None ticked: every kind.")  # fmt: skip
    min_volume = forms.IntegerField(min_value=0, initial=0, label="Minimum calls into our state")
    delivery = forms.ChoiceField(choices=Subscription.Delivery.choices)
    task_force_kinds = forms.MultipleChoiceField(
        choices=KINDS, required=False, widget=forms.CheckboxSelectMultiple,
        label="Task force: kinds we follow wherever the calls land",
    )  # fmt: skip
