"""Forms of recovery codes: one typed in place of a code (sign-in, step-up), and the box under *Generate new
codes*."""

from django import forms

from twostep.mfa.recovery import codes
from twostep.mfa.recovery.services import MalformedRecoveryCodeError


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code", max_length=64, strip=True,
        error_messages={"required": "Enter one of your recovery codes.",
                        "max_length": MalformedRecoveryCodeError.message},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false",
                                      "autofocus": True, "size": 14}),
    )

    def clean_recovery_code(self) -> str:
        return checked_recovery_code(self.cleaned_data["recovery_code"])


def checked_recovery_code(code: str) -> str:
    """``code`` as typed when it has the shape of a recovery code; raises ValidationError
    ``malformed_recovery_code``. Shared by every form with a ``recovery_code`` field."""
    if codes.normalize(code) is None:
        raise forms.ValidationError(MalformedRecoveryCodeError.message, code=MalformedRecoveryCodeError.code)
    return code


class EndOtherSessionsForm(forms.Form):
    """The box under *Generate new codes*: ticked at first (an unticked box sends nothing, which means no)."""

    end_other_sessions = forms.BooleanField(
        label="Also sign out my other sessions (other browsers and devices)", required=False, initial=True)
