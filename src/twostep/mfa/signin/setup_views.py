"""The first setup of a pending sign-in (a user who must use MFA and has no authenticator yet): the QR code, then
the first code, which completes the sign-in and shows the new recovery codes once. The mailbox proof comes first
(``mailbox``)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View

from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.mfa import policy, refusals
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.authenticators import setup_binding
from twostep.mfa.authenticators.forms import CodeForm
from twostep.mfa.authenticators.qr import qr_svg
from twostep.mfa.errors import MfaError
from twostep.mfa.headers import shows_secret
from twostep.mfa.mailbox import services as mailbox
from twostep.mfa.recovery.pages import show_recovery_codes
from twostep.mfa.signin import journey, pending
from twostep.mfa.signin.views import guarded


def _at_setup(request):
    """``(state, None)`` for a live pending sign-in at the setup step, else ``(None, redirect)``.

    An authenticator confirmed since the password step (in another session) moves the sign-in to the
    code step: confirming a new one here would replace it on the strength of the password alone."""
    state = pending.current(request, now=clock_now())
    if state is None or state.stage != pending.SETUP:
        return None, redirect("mfa:signin")
    if policy.requirement_for(state.user).has_authenticator:
        pending.set_stage(request, pending.CODE)
        messages.info(request, "An authenticator app was set up for this account meanwhile. Enter a code from it.")
        return None, redirect("mfa:code")
    if not mailbox.may_show_setup(request, state.user, now=clock_now()):
        return None, redirect("mfa:setup_mailbox")
    return state, None


@method_decorator([*guarded, shows_secret], name="dispatch")
class SetupView(View):
    """Step 1 of enrollment: the QR code, the key for typing by hand, and 'I have completed the scan'."""

    template_name = "mfa/setup.html"

    def get(self, request):
        state, elsewhere = _at_setup(request)
        if state is None:
            return elsewhere
        enrollment = enrollments.start_enrollment(state.user, binding=setup_binding.binding(request),
                                                  now=clock_now(), request=request)
        return render(request, self.template_name, _setup_context(state, enrollment))


def _setup_context(state, enrollment, **extra) -> dict:
    return {"state": state, "enrollment": enrollment, "qr_svg": qr_svg(enrollment.uri),
            "until": _until(state, enrollment.expires_at), "required_by": policy.requirement_sentence(state.user),
            "admin_of": policy.admin_of(state.user), "for_everyone": policy.required_for() == policy.EVERYONE,
            **extra}


def _until(state, setup_expires_at=None):
    """When the setup of this sign-in runs out (aware datetime): the pending sign-in's end, or the QR code's."""
    ends = as_datetime(state.expires_at)
    return min(ends, setup_expires_at) if setup_expires_at else ends


@method_decorator([*guarded, shows_secret], name="dispatch")
class SetupConfirmView(View):
    """Step 2 of enrollment: the first code confirms the authenticator and completes the sign-in; the
    response shows the new recovery codes once."""

    template_name = "mfa/setup_confirm.html"

    def get(self, request):
        state, elsewhere = _at_setup(request)
        if state is None:
            return elsewhere
        if self.live_setup(request, state) is None:
            return redirect("mfa:setup")
        return render(request, self.template_name, self.context(request, state, CodeForm()))

    def post(self, request):
        state, elsewhere = _at_setup(request)
        if state is None:
            return elsewhere
        setup = self.live_setup(request, state)
        if setup is None:  # expired or discarded: confirming would need a QR code this session never saw
            messages.warning(request, enrollments.SetupGoneError.message)
            return redirect("mfa:setup")
        form = CodeForm(request.POST, digits=setup.digits)
        if form.is_valid():
            try:
                confirmed = enrollments.confirm_enrollment(
                    state.user, form.cleaned_data["code"], binding=setup_binding.existing(request),
                    now=clock_now(), request=request)
            except MfaError as exc:
                refusals.form_error(form, "code", exc)
            else:
                setup_binding.forget(request)
                journey.complete(request, state.user, now=clock_now(), verified=True)
                messages.success(request, "Your authenticator app is set up. You will be asked for a code "
                                          "at every sign-in.")
                return show_recovery_codes(request, confirmed.recovery_codes, continue_url=journey.landing(request))
        return render(request, self.template_name, self.context(request, state, form), status=400)

    @staticmethod
    def live_setup(request, state):
        return enrollments.setup_of(state.user, setup_binding.existing(request), now=clock_now())

    def context(self, request, state, form) -> dict:
        setup = self.live_setup(request, state)
        return {"state": state, "form": form, "until": _until(state, setup.setup_expires_at if setup else None)}
