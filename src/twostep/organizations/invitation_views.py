"""Invitations: the admin's invite and revoke actions, and the invitee's side of the link.

The link (``/invitations/<signed token>/``) only puts the token into the session and redirects to
``/invitations/accept/``, so the token does not linger in the address bar, history or Referer headers.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from twostep.accounts.addresses import comparable_email
from twostep.audit.denials import record_denial
from twostep.clock import now as clock_now
from twostep.errors import ServiceError
from twostep.organizations import invitation_proof, invitations
from twostep.organizations.access import admin_membership
from twostep.organizations.forms import InviteForm, NewAccountForm
from twostep.organizations.models import Invitation
from twostep.organizations.views import settings_error

logger = logging.getLogger(__name__)
SESSION_KEY = "twostep_invitation"
MAIL_FAILED = "The invitation e-mail could not be sent. Nothing was saved; try again in a few minutes."


@method_decorator([never_cache, login_required, csrf_protect], name="dispatch")
class InviteView(View):
    template_name = "organizations/invite.html"

    def get(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        return render(request, self.template_name, {"organization": organization, "form": InviteForm()})

    def post(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        form = InviteForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                invitation = invitations.invite_member(organization, actor=request.user, now=clock_now(),
                                                       request=request, **form.cleaned_data)
            except ServiceError as exc:  # an InvitationError, or an AddressError the form let through
                form.add_error("email", ValidationError(exc.message, code=exc.code))
            except (smtplib.SMTPException, OSError) as exc:
                # The cause for the operator; the mail (and its token) is not logged.
                logger.error("Could not send the invitation e-mail of organization %s: %s: %s", slug,
                             type(exc).__name__, exc)
                form.add_error(None, ValidationError(MAIL_FAILED, code="mail_failed"))
                status = 503
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("organizations:settings", slug=slug)
        return render(request, self.template_name, {"organization": organization, "form": form}, status=status)


@never_cache
@login_required
@csrf_protect
@require_POST
def revoke_invitation(request, slug: str, pk: int):
    organization = admin_membership(request.user, slug).organization
    invitation = get_object_or_404(Invitation, pk=pk, organization=organization)
    try:
        invitations.revoke_invitation(invitation, actor=request.user, now=clock_now(), request=request)
    except invitations.InvitationError as exc:
        return settings_error(request, organization, exc.message, exc.code)
    messages.success(request, f"The invitation of {invitation.email} was withdrawn; its link no longer works.")
    return redirect("organizations:settings", slug=slug)


@never_cache
@require_safe
def open_invitation(request, link: str):
    request.session[SESSION_KEY] = link
    return redirect("invitations:accept")


def _invalid(request, error: invitations.InvitationError):
    request.session.pop(SESSION_KEY, None)
    return render(request, "organizations/invitation_invalid.html", {"error": error}, status=400)


@method_decorator([never_cache, csrf_protect, sensitive_post_parameters("new_password1", "new_password2")],
                  name="dispatch")
class AcceptInvitationView(View):
    """Signed in as the invited address: a *Join* button. No account yet: name and password. An
    account exists but is not signed in: sign in first (the invitation waits in the session)."""

    template_name = "organizations/invitation_accept.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.invitation = invitations.find_invitation(request.session.get(SESSION_KEY, ""))
            invitations.check_open(self.invitation, now=clock_now())
        except invitations.InvitationError as exc:
            return _invalid(request, exc)
        invitation_proof.note_opened(request, self.invitation, now=clock_now())
        user = request.user
        if user.is_authenticated and comparable_email(user.email) != self.invitation.email:
            record_denial(request, rule="other_account", organization=self.invitation.organization)
            return render(request, self.template_name, self.context(mode="wrong_account"), status=403)
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra) -> dict:
        signin = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': reverse('invitations:accept')})}"
        return {"invitation": self.invitation, "organization": self.invitation.organization,
                "signin_url": signin, **extra}

    def account_exists(self) -> bool:
        return get_user_model().objects.filter(email=self.invitation.email).exists()

    def new_account_form(self, data=None) -> NewAccountForm:
        return NewAccountForm(get_user_model()(email=self.invitation.email), data)

    def get(self, request):
        if request.user.is_authenticated:
            return render(request, self.template_name, self.context(mode="join"))
        if self.account_exists():
            return render(request, self.template_name, self.context(mode="signin"))
        return render(request, self.template_name, self.context(mode="create", form=self.new_account_form()))

    def post(self, request):
        if request.user.is_authenticated:
            return self.join(request)
        if self.account_exists():
            return redirect(self.context()["signin_url"])
        return self.create(request)

    def join(self, request):
        try:
            invitations.accept_invitation(self.invitation, request.user, now=clock_now(), request=request)
        except invitations.InvitationError as exc:
            return _invalid(request, exc)
        request.session.pop(SESSION_KEY, None)
        messages.success(request, f"You are now a member of {self.invitation.organization.name}.")
        return redirect("home")

    def create(self, request):
        form = self.new_account_form(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(mode="create", form=form), status=400)
        try:
            invitations.accept_as_new_user(self.invitation, password=form.cleaned_data["new_password1"],
                                           name=form.cleaned_data["name"], now=clock_now(), request=request)
        except invitations.AccountExistsError:
            return render(request, self.template_name, self.context(mode="signin"), status=400)
        except invitations.InvitationError as exc:
            return _invalid(request, exc)
        request.session.pop(SESSION_KEY, None)
        messages.success(request, f"Your account is ready and you are a member of "
                                  f"{self.invitation.organization.name}. Sign in with your new password.")
        return redirect(settings.LOGIN_URL)
