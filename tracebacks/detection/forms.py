from __future__ import annotations

from django import forms

from tracebacks.models import Campaign


class ConfirmForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, help_text="ITG style: Topic-Variant[-Pn].")
    kind = forms.ChoiceField(choices=[("", "—"), *Campaign.Kind.choices], required=False)
    campaign = forms.ModelChoiceField(
        Campaign.objects.order_by("name"), required=False, label="Or link to an existing campaign"
    )

    def clean(self):
        data = super().clean()
        if not data.get("campaign") and not data.get("name"):
            raise forms.ValidationError("Name the campaign, or choose an existing campaign to link it to.")
        return data


class LinkForm(forms.Form):
    campaign = forms.ModelChoiceField(
        Campaign.objects.order_by("name"), label="Campaign to link to", empty_label="Choose a campaign"
    )


class RenameForm(forms.Form):
    name = forms.CharField(max_length=100)


class MergeForm(forms.Form):
    into = forms.IntegerField(label="Merge into detected campaign #")


class SplitForm(forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=[("", "same as this one"), *Campaign.Kind.choices], required=False)
    members = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args, member_ids=(), **kw):
        super().__init__(*args, **kw)
        self.fields["members"].choices = [(i, i) for i in member_ids]
