"""Forms of the signed-in user's account pages (the password forms are Django's own)."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm

from twostep.accounts.models import User, normalize_email

EMAIL_TAKEN = "Another account already uses this e-mail address."
EMAIL_UNCHANGED = "That is already your e-mail address."


class ChangeEmailForm(forms.Form):
    email = forms.EmailField(label="New e-mail address", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        """The address normalized; unique among all accounts, compared case-insensitively."""
        email = normalize_email(self.cleaned_data["email"])
        if email == normalize_email(self.user.email):
            raise forms.ValidationError(EMAIL_UNCHANGED, code="email_unchanged")
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class ResetRequestForm(PasswordResetForm):
    """Django's reset request, labelled like every other address field of the portal."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
