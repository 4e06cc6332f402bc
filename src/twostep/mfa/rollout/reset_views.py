"""The members page's *Reset MFA*: an organization admin resets a member's MFA (``resets``), after a step-up.

Every request checks on the server that the admin administers the organization (403), that the account is one
of its members (404 otherwise, whichever organization it belongs to) and ``resets.refusal`` (403, saying to ask
support)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from twostep.clock import now as clock_now
from twostep.mfa.conf import app_settings
from twostep.mfa.errors import MfaError
from twostep.mfa.recovery.reset import NothingToResetError, has_factors
from twostep.mfa.rollout import resets
from twostep.mfa.rollout.forms import MemberResetForm
from twostep.mfa.stepup import services as stepup
from twostep.organizations.access import admin_membership


def member_of(organization, user_id: int):
    """The member ``user_id`` of ``organization``; Http404 for anyone else (a member of another one too)."""
    membership = organization.memberships.select_related("user").filter(user_id=user_id).first()
    if membership is None:
        raise Http404("No such member.")
    return membership.user


@method_decorator([never_cache, login_required, csrf_protect], name="dispatch")
class MemberResetView(View):
    """GET: what a reset does and the form (reason and identity check), or why this admin may not (403);
    POST: the reset, then back to the members page. Both need a fresh step-up of the admin."""

    template_name = "mfa/member_reset.html"

    def dispatch(self, request, *args, **kwargs):
        self.organization = admin_membership(request.user, kwargs["slug"]).organization
        self.member = member_of(self.organization, kwargs["user_id"])
        refused = resets.refusal(self.organization, request.user, self.member)
        if refused is not None:
            return self.render(request, None, error=refused, status=403)
        if not stepup.is_fresh(request, now=clock_now()):
            messages.info(request, "To reset a member's MFA, first confirm it's you.")
            return redirect(stepup.url_for(request.path))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, slug: str, user_id: int):
        if not has_factors(self.member):
            return self.render(request, None, error=NothingToResetError(), status=400)
        return self.render(request, MemberResetForm())

    def post(self, request, slug: str, user_id: int):
        form = MemberResetForm(request.POST)
        if not form.is_valid():
            return self.render(request, form, status=400)
        try:
            resets.reset_member_mfa(self.organization, self.member, admin=request.user,
                                    reason=form.cleaned_data["reason"],
                                    identity_check=form.cleaned_data["identity_check"], now=clock_now(),
                                    request=request)
        except resets.MemberResetRefusedError as exc:
            return self.render(request, None, error=exc, status=403)
        except MfaError as exc:  # nothing to reset (any more)
            return self.render(request, None, error=exc, status=400)
        messages.success(request, f"MFA of {self.member.email} was reset. They were signed out everywhere, were "
                                  "told by e-mail, and will set up an authenticator app at their next sign-in.")
        return redirect("mfa:members", slug=self.organization.slug)

    def render(self, request, form, *, error=None, status: int = 200):
        """``error``: the refusal (a ``ServiceError``) shown in place of the form."""
        return render(request, self.template_name, {
            "organization": self.organization, "member": self.member, "form": form, "error": error,
            "support_contact": app_settings().support_contact}, status=status)
