"""The signed-in user's account pages that need step-up: change e-mail, change password.

They live in ``mfa`` because ``step_up_required`` (password and a fresh code) does, and imports run
``accounts`` <- ``mfa``; the work itself is done by ``twostep.accounts.services`` and its forms.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from twostep.accounts import services
from twostep.accounts.forms import ChangeEmailForm
from twostep.audit import events
from twostep.clock import now as clock_now
from twostep.errors import ServiceError
from twostep.mfa import refusals
from twostep.mfa.account.forms import ChangePasswordForm
from twostep.mfa.mailbox import services as mailbox
from twostep.mfa.stepup.services import step_up_required

guarded: list[Callable[..., Any]] = [never_cache, csrf_protect, login_required, step_up_required]


def current_mailbox_proven(view):
    """Without a second factor the step-up is the password alone, so a new address would let whoever has the
    password pass the mailbox proof of a first setup with a mailbox of their own: the current one proves first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not mailbox.may_show_setup(request, request.user, now=clock_now()):
            return redirect("mfa:account_mailbox")
        return view(request, *args, **kwargs)

    return wrapped


@method_decorator([*guarded, current_mailbox_proven], name="dispatch")
class ChangeEmailView(View):
    template_name = "accounts/change_email.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ChangeEmailForm(request.user)})

    def post(self, request):
        form = ChangeEmailForm(request.user, request.POST)
        if form.is_valid():
            try:
                services.change_email(request.user, form.cleaned_data["email"], request=request)
            except ServiceError as exc:  # a race the form's check could not see
                refusals.form_error(form, "email", exc)
            else:
                messages.success(request, f"Your e-mail address is now {request.user.email}. "
                                          "We sent a notice to your old address.")
                return redirect("home")
        return render(request, self.template_name, {"form": form}, status=400)


@method_decorator([*guarded, sensitive_post_parameters("current_password", "new_password1", "new_password2")],
                  name="dispatch")
class ChangePasswordView(View):
    """Asks for the current password every time, also right after a sign-in with a code (ASVS 6.2.3): a
    session left open must not be enough to take the account over."""

    template_name = "accounts/change_password.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ChangePasswordForm(request.user, request=request)})

    def post(self, request):
        form = ChangePasswordForm(request.user, request.POST, request=request, now=clock_now())
        if not form.is_valid():
            return self.refused(request, form)
        services.change_password(request, request.user, form.cleaned_data["new_password1"])
        messages.success(request, "Your password has been changed. You were signed out everywhere else.")
        return redirect("home")

    def refused(self, request, form):
        if form.retry_after:
            self.record_failure(request, reason="throttled", retry_after=form.retry_after)
            return refusals.throttled(request, self.template_name, {"form": form}, form.retry_after)
        if form.has_error("current_password", "invalid_password"):
            self.record_failure(request, reason="invalid_password")
        return render(request, self.template_name, {"form": form}, status=400)

    @staticmethod
    def record_failure(request, **detail) -> None:
        events.record(events.PASSWORD_CHANGED, actor=request.user, subject=request.user, request=request,
                      outcome="failure", **detail)
