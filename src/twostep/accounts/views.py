"""Password reset by e-mail, with Django's views, forms and token generator.

The link leads to a form for a new password and then to the sign-in page: a reset never signs anyone
in, so a user who must use MFA still gives a code after the new password. Every page of the flow sends
``Referrer-Policy: strict-origin`` and ``Cache-Control: no-store`` (the link's token must not leak).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods
from django.views.generic.edit import FormView

from twostep.accounts import services
from twostep.accounts.addresses import address_digest
from twostep.accounts.conf import app_settings
from twostep.accounts.forms import ResetRequestForm
from twostep.accounts.headers import private_page
from twostep.accounts.reset_limits import allow_reset_mail
from twostep.accounts.tokens import reset_tokens
from twostep.audit import events

logger = logging.getLogger(__name__)

# Django's form views also take PUT as POST, and the reset-link view answers any method for a bad link.
forms_only = require_http_methods(["GET", "HEAD", "POST"])


# What became of a password-reset request (the audit detail's ``result``).
SENT, LIMITED, UNKNOWN = "sent", "limited", "unknown"


def record_reset_request(request, email: str, *, account, result: str) -> None:
    """Audit a reset request: the address as its HMAC (``address_digest``: a visitor's typing is not kept), the
    client, and ``result``; the account, when there is one, is the subject. One row whatever the result, written
    after the answer is decided: the visitor's page is the same for all three."""
    outcome = "success" if result == SENT else "failure"
    events.record(events.PASSWORD_RESET_REQUESTED, subject=account, request=request, outcome=outcome,
                  address_hmac=address_digest(email), result=result)


class BadRequestOnInvalid(FormView):
    """Re-render an invalid form with HTTP 400, like every other form of the portal."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator([private_page, forms_only], name="dispatch")
class ResetRequestView(BadRequestOnInvalid, auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = ResetRequestForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")
    token_generator = reset_tokens

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not allow_reset_mail(email, self.request):
            # Same answer as a sent mail (no hint about the address); nothing is sent.
            logger.warning("password reset mail not sent: too many requests for the address or the client")
            list(form.get_users(email))  # the same lookup as a request that sends, for the audit row's subject
            record_reset_request(self.request, email, account=form.account, result=LIMITED)
            return redirect(self.get_success_url())
        response = super().form_valid(form)
        record_reset_request(self.request, email, account=form.account, result=SENT if form.account else UNKNOWN)
        return response

    @property
    def extra_email_context(self) -> dict:
        # The link's host comes from TWOSTEP_BASE_URL, never from the request's Host header.
        return {"base_url": app_settings().base_url.rstrip("/")}


@method_decorator(private_page, name="dispatch")
class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


@method_decorator([private_page, forms_only], name="dispatch")
class ResetConfirmView(BadRequestOnInvalid, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    token_generator = reset_tokens
    post_reset_login = False

    def form_valid(self, form):
        services.finish_password_reset(form, request=self.request)
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(self.request, "Your password has been reset. Sign in with your new password.")
        return redirect(settings.LOGIN_URL)
