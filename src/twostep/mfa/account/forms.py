"""The change-password form of the step-up protected account page."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from twostep.accounts.forms import ThrottledPasswordMixin
from twostep.clock import now as clock_now


class ChangePasswordForm(ThrottledPasswordMixin, SetPasswordForm):
    """The current password (checked like a sign-in's), then the new one twice (Django's password rules)."""

    current_password = forms.CharField(label="Current password", max_length=4096, strip=False,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                         "autofocus": True}))
    field_order = ["current_password", "new_password1", "new_password2"]

    def __init__(self, user, *args, request=None, now: int | None = None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request
        self.now = clock_now() if now is None else now
        self.retry_after = 0

    def clean_current_password(self) -> str:
        return self.check_own_password(self.cleaned_data["current_password"])
