"""Forms of the sign-in journey and the organization's MFA settings."""

import copy

from django import forms
from django.contrib.auth import authenticate

from twostep import otp

SIGNIN_ERROR = "That e-mail address and password do not match an account. Check both and try again."


class SignInForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label="Password", max_length=4096, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # ModelBackend hashes a dummy password for unknown e-mails, so both failures cost the same.
        self.user = authenticate(self.request, username=cleaned["email"], password=cleaned["password"])
        if self.user is None:
            raise forms.ValidationError(SIGNIN_ERROR, code="invalid_login")
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code", max_length=64, strip=True,
        error_messages={"required": "Enter the 6-digit code from your authenticator app.",
                        "max_length": "That is not a code: enter the 6 digits shown in your app."},
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"[0-9 \-]*",
            "autofocus": True, "size": 8, "spellcheck": "false",
        }),
    )

    def __init__(self, *args, digits: int = 6, **kwargs):
        super().__init__(*args, **kwargs)
        self.digits = digits
        self.fields["code"].label = f"{digits}-digit code"

    def clean_code(self) -> str:
        try:
            return otp.normalize_code(self.cleaned_data["code"], digits=self.digits)
        except otp.InvalidCodeFormat as exc:
            raise forms.ValidationError(
                f"Enter the {self.digits} digits shown in your authenticator app, like 123 456.",
                code="malformed_code",
            ) from exc


class RequireMfaForm(forms.Form):
    require_mfa = forms.BooleanField(label="Require MFA for every member", required=False)


class StepUpForm(forms.Form):
    """Password, and a code when the user has an authenticator."""

    password = forms.CharField(label="Password", max_length=4096, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                 "autofocus": True}))

    def __init__(self, user, *args, with_code: bool, digits: int = 6, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.digits = digits
        if with_code:
            self.fields["code"] = copy.deepcopy(CodeForm.base_fields["code"])
            self.fields["code"].label = f"{digits}-digit code"

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not correct.", code="invalid_password")
        return password

    def clean_code(self) -> str:
        return CodeForm.clean_code(self)
