from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html

from itg.accounts.models import Office, Role


class LoginForm(forms.Form):
    username = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Six-digit code from your authenticator app",
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={"invalid": "Enter the six digits your authenticator app shows, e.g. 123456."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "").strip()


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.RegexField(
        label="Recovery code",
        regex=r"^\s*[A-Za-z2-7]{4}[\s-]?[A-Za-z2-7]{4}\s*$",
        help_text="One of the codes you saved when you generated them, e.g. abcd-efgh. Each works once.",
        error_messages={"invalid": "A recovery code is eight letters and digits, e.g. abcd-efgh."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Repeat the password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


class InviteForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="E-mail address")
    office = forms.ModelChoiceField(label="Office", queryset=Office.objects.all())
    role = forms.ChoiceField(label="Role", choices=Role.choices)

    def __init__(self, *args, inviter, **kwargs):
        super().__init__(*args, **kwargs)
        if not inviter.is_itg_admin:
            # A supervisor invites into their own office, as AG staff or supervisor.
            self.fields["office"].queryset = Office.objects.filter(pk=inviter.office_id)
            self.fields["office"].initial = inviter.office_id
            self.fields["role"].choices = [
                (Role.AG_STAFF, Role.AG_STAFF.label),
                (Role.AG_SUPERVISOR, Role.AG_SUPERVISOR.label),
            ]


class ResetOtpForm(forms.Form):
    reason = forms.CharField(label="Reason (how you confirmed the person's identity)", max_length=400)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
    office = forms.ModelChoiceField(label="Office", queryset=Office.objects.all())
