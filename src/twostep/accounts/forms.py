"""Forms of the signed-in user's account pages (the password forms are Django's own), the password-reset
request, the e-mail field of every form where a person types an address, and the throttled check of a
signed-in user's own password (``ThrottledPasswordMixin``)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest

from twostep.accounts import device_cookies, password_throttle, services
from twostep.accounts.addresses import AddressError, canonical_email
from twostep.accounts.models import User
from twostep.errors import ServiceError


class AddressField(forms.EmailField):
    """An e-mail address typed by a person, cleaned to its canonical form (``accounts.addresses``); an
    address that is refused gets the refusal's message (code ``unusual_characters`` or ``invalid_address``).
    Not for the sign-in and password-reset forms, which must answer a refused address like an unknown one."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return canonical_email(value)
        except AddressError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc


class ChangeEmailForm(forms.Form):
    email = AddressField(label="New e-mail address", max_length=254,
                         widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        """The canonical address, which must differ from (and not look like) the current one and must not be,
        or look like, another account's address."""
        try:
            return services.check_new_email(self.user, self.cleaned_data["email"])
        except ServiceError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc


class ResetRequestForm(PasswordResetForm):
    """Django's reset request, labelled like every other address field of the portal. The address is looked
    up in its canonical form; one that is refused (or only looks like an account's) has no account, so the
    answer is the same as for any unknown address and no mail goes out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        self.account = None  # the account a mail goes (or would go) to, once ``get_users`` has run

    def get_users(self, email):
        try:
            user = get_user_model()._default_manager.get_by_natural_key(email)
        except get_user_model().DoesNotExist:
            return iter(())
        self.account = user if user.is_active and user.has_usable_password() else None
        return iter([self.account] if self.account else [])


class ThrottledPasswordMixin:
    """Checks the password of ``self.user`` (a signed-in user confirming it is them) under the throttling of
    the sign-in: the same counters, the same one-at-a-time slot. Needs ``self.user``, ``self.request``,
    ``self.now`` (Unix seconds) and sets ``self.retry_after`` (seconds) when the password was not checked."""

    user: User  # set by the form that mixes this in, like the three below
    request: HttpRequest | None
    now: int
    retry_after: int

    def check_own_password(self, password: str) -> str:
        """``password`` if it is the user's; raises ValidationError ``throttled`` or ``invalid_password``."""
        email = self.user.email
        with password_throttle.account_slot(email) as mine:
            device = device_cookies.known_device(self.request, email, now=self.now)
            self.retry_after = (password_throttle.retry_after(self.request, email, now=self.now, device=device)
                                if mine else password_throttle.BUSY_RETRY_AFTER)
            if self.retry_after:
                raise forms.ValidationError(password_throttle.message(self.retry_after), code="throttled")
            if not self.user.check_password(password):
                password_throttle.record_failure(self.request, email, now=self.now, device=device)
                raise forms.ValidationError("That password is not correct.", code="invalid_password")
            password_throttle.record_success(email, device=device)
        return password
