"""The step-up form: the password (throttled like a sign-in's), then a code from the app or a recovery code."""

import copy

from django import forms

from twostep.accounts.forms import ThrottledPasswordMixin
from twostep.clock import now as clock_now
from twostep.mfa.authenticators.forms import CodeForm, normalized_code
from twostep.mfa.recovery.forms import RecoveryCodeForm, checked_recovery_code


class StepUpForm(ThrottledPasswordMixin, forms.Form):
    """Password, and a code when the user has an authenticator: from the app (``code``) or, when the
    phone is lost, one of the recovery codes (``recovery_code``, with ``with_recovery_code``)."""

    password = forms.CharField(label="Password", max_length=4096, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                 "autofocus": True}))

    def __init__(self, user, *args, with_code: bool, with_recovery_code: bool = False, digits: int = 6,
                 request=None, now: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.digits = digits
        self.request = request
        self.now = clock_now() if now is None else now
        self.retry_after = 0  # seconds, when the password or the code was not checked because of throttling
        if with_recovery_code:
            self.fields["recovery_code"] = copy.deepcopy(RecoveryCodeForm.base_fields["recovery_code"])
            self.fields["recovery_code"].widget.attrs.pop("autofocus", None)
        elif with_code:
            self.fields["code"] = copy.deepcopy(CodeForm.base_fields["code"])
            self.fields["code"].label = f"{digits}-digit code"

    def clean_password(self) -> str:
        return self.check_own_password(self.cleaned_data["password"])

    def clean_code(self) -> str:
        return normalized_code(self.cleaned_data["code"], digits=self.digits)

    def clean_recovery_code(self) -> str:
        return checked_recovery_code(self.cleaned_data["recovery_code"])

    @property
    def second_factor(self) -> str | None:
        """The name of the code field (``code`` or ``recovery_code``), None when only the password is asked."""
        return next((name for name in ("code", "recovery_code") if name in self.fields), None)
