"""The sign-in form: e-mail address and password, checked under the password throttle (``accounts``)."""

from django import forms
from django.contrib.auth import authenticate

from twostep.accounts import device_cookies, password_throttle
from twostep.accounts.models import User
from twostep.clock import now as clock_now

SIGNIN_ERROR = "That e-mail address and password do not match an account. Check both and try again."


class SignInForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label="Password", max_length=4096, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, request=None, *args, now: int | None = None, **kwargs):
        self.request = request
        self.user: User | None = None
        self.now = clock_now() if now is None else now
        self.retry_after = 0  # seconds, when the password was not checked because of throttling
        self.device: str | None = None  # the nonce of this browser's device cookie for the account, when it is known
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        email = cleaned["email"]
        with password_throttle.account_slot(email) as mine:
            self.device = device_cookies.known_device(self.request, email, now=self.now)
            self.retry_after = (password_throttle.retry_after(self.request, email, now=self.now, device=self.device)
                                if mine else password_throttle.BUSY_RETRY_AFTER)
            if self.retry_after:
                raise forms.ValidationError(password_throttle.message(self.retry_after), code="throttled")
            # ModelBackend hashes a dummy password for unknown e-mails, so both failures cost the same,
            # and both count against the e-mail's throttle the same way.
            self.user = authenticate(self.request, username=email, password=cleaned["password"])
            if self.user is None:
                password_throttle.record_failure(self.request, email, now=self.now, device=self.device)
                raise forms.ValidationError(SIGNIN_ERROR, code="invalid_login")
            password_throttle.record_success(email, device=self.device)
        return cleaned
