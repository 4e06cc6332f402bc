"""The code from an authenticator app: the field of every page that takes one (sign-in, setup, step-up, and
the mailbox proof, whose mailed code has the same shape)."""

from django import forms

from twostep import otp


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
        return normalized_code(self.cleaned_data["code"], digits=self.digits)


def normalized_code(value: str, *, digits: int) -> str:
    """``value`` as a code of ``digits`` digits (spaces and dashes dropped); raises ValidationError
    ``malformed_code``. Shared by every form with a ``code`` field."""
    try:
        return otp.normalize_code(value, digits=digits)
    except otp.InvalidCodeFormat as exc:
        raise forms.ValidationError(
            f"Enter the {digits} digits shown in your authenticator app, like 123 456.",
            code="malformed_code",
        ) from exc
