"""Authenticators while signed in: the Security page (``mfa:security``: the authenticator, recovery codes,
turning MFA off at ``mfa:disable``), and setting up or replacing one (``mfa:enroll``, ``mfa:enroll_confirm``).

The one signed-in enrollment flow; any page that offers it links to it (the grace-period banner, the
Security page's *Replace authenticator app*): ``{% url 'mfa:enroll' %}?next=<local path>``.

- Both views need a fresh step-up (``mfa.stepup``: the password, and a code or a recovery code when the
  user has an authenticator already), because adding or replacing the second factor is a sensitive change.
- ``mfa:enroll`` shows the QR code of this session's setup (``enrollment.start_enrollment``: the same secret
  on every visit from this session until confirmed or expired; another session's setup is discarded). A
  current authenticator keeps working meanwhile.
- ``mfa:enroll_confirm`` takes the first code (``enrollment.confirm_enrollment``, which replaces any earlier
  authenticator, issues new recovery codes and records ``mfa.enrolled``), rotates the session key, marks
  the session as having passed a code (so the enforcement middleware keeps it signed in) and shows the
  new recovery codes once, with a link on to ``next`` or home.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_safe

from twostep.accounts.sessions import end_other_sessions
from twostep.clock import now as clock_now
from twostep.mfa import refusals
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.authenticators import setup_binding
from twostep.mfa.authenticators.forms import CodeForm
from twostep.mfa.authenticators.qr import qr_svg
from twostep.mfa.errors import MfaError
from twostep.mfa.headers import shows_secret
from twostep.mfa.mailbox import services as mailbox
from twostep.mfa.models import Authenticator
from twostep.mfa.recovery import codes as recovery_codes
from twostep.mfa.recovery import reset
from twostep.mfa.recovery import services as recovery
from twostep.mfa.recovery.pages import show_recovery_codes
from twostep.mfa.signin import journey
from twostep.mfa.stepup.services import step_up_required

guarded = [never_cache, csrf_protect, sensitive_post_parameters("code"), step_up_required, shows_secret]
SET_UP = "Your authenticator app is set up. You will be asked for a code at every sign-in."
REPLACED = "Your new authenticator app is set up. The old one no longer works for this account."


def _next(request) -> str:
    return journey.safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _replacing(user) -> bool:
    return Authenticator.objects.filter(user=user, confirmed_at__isnull=False).exists()


def _pending(request) -> Authenticator | None:
    return enrollments.setup_of(request.user, setup_binding.existing(request), now=clock_now())


@method_decorator(guarded, name="dispatch")
class EnrollView(View):
    template_name = "mfa/enroll.html"

    def get(self, request):
        if not mailbox.may_show_setup(request, request.user, now=clock_now()):  # a first app: mailbox first
            next_url = _next(request)
            query = f"?{urlencode({'next': next_url})}" if next_url else ""
            return redirect(resolve_url("mfa:enroll_mailbox") + query)
        enrollment = enrollments.start_enrollment(request.user, binding=setup_binding.binding(request),
                                                  now=clock_now(), request=request)
        return render(request, self.template_name, {
            "enrollment": enrollment, "qr_svg": qr_svg(enrollment.uri), "next": _next(request),
            "until": enrollment.expires_at,
            "replacing": _replacing(request.user)})


@method_decorator(guarded, name="dispatch")
class EnrollConfirmView(View):
    template_name = "mfa/enroll_confirm.html"

    def get(self, request):
        if _pending(request) is None:
            return redirect(self.scan_url(request))
        return self.render(request, CodeForm())

    def post(self, request):
        authenticator = _pending(request)
        if authenticator is None:  # nothing scanned, expired, or begun elsewhere: a new secret would not match
            messages.info(request, "Start by scanning the QR code with your authenticator app.")
            return redirect(self.scan_url(request))
        replacing = _replacing(request.user)
        form = CodeForm(request.POST, digits=authenticator.digits)
        if form.is_valid():
            try:
                confirmed = enrollments.confirm_enrollment(
                    request.user, form.cleaned_data["code"], binding=setup_binding.existing(request),
                    now=clock_now(), request=request)
            except MfaError as exc:
                refusals.form_error(form, "code", exc)
            else:
                setup_binding.forget(request)
                # Whoever signed in with the old authenticator (a stolen phone) is signed out everywhere;
                # this session stays, under a new key.
                end_other_sessions(request, request.user)
                request.session.cycle_key()
                request.session[journey.MFA_VERIFIED_AT] = clock_now()
                messages.success(request, REPLACED if replacing else SET_UP)
                return show_recovery_codes(request, confirmed.recovery_codes,
                                           continue_url=_next(request) or resolve_url("home"))
        return self.render(request, form, status=400)

    def render(self, request, form, *, status: int = 200):
        return render(request, self.template_name, {"form": form, "next": _next(request),
                                                    "replacing": _replacing(request.user)}, status=status)

    def scan_url(self, request) -> str:
        next_url = _next(request)
        return resolve_url("mfa:enroll") + (f"?{urlencode({'next': next_url})}" if next_url else "")


@never_cache
@login_required
@require_safe
def security(request):
    authenticator = Authenticator.objects.filter(user=request.user, confirmed_at__isnull=False).first()
    remaining = recovery.remaining_recovery_codes(request.user)
    return render(request, "mfa/security.html", {
        "authenticator": authenticator,
        "remaining": remaining,
        "low": authenticator is not None and remaining <= recovery_codes.LOW,
        "why_required": reset.why_required(request.user),
    })


@method_decorator([never_cache, csrf_protect, step_up_required], name="dispatch")
class DisableView(View):
    """Turn MFA off: only when no organization of the user requires it and the user is not staff."""

    template_name = "mfa/disable.html"

    def get(self, request):
        why_required = reset.why_required(request.user)
        return render(request, self.template_name, {"why_required": why_required},
                      status=403 if why_required else 200)

    def post(self, request):
        try:
            reset.disable_mfa(request.user, request=request)
        except reset.MfaStillRequiredError as exc:
            return render(request, self.template_name, {"why_required": exc.message}, status=403)
        messages.success(request, "Multi-factor authentication is off. Your authenticator app and recovery codes "
                                  "no longer work for this account. You were signed out everywhere else.")
        return redirect("mfa:security")
