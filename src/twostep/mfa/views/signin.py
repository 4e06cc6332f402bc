"""The sign-in journey: password, then MFA setup or a code, then signed in."""

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from twostep.accounts.addresses import comparable_email, unambiguous
from twostep.accounts.sessions import end_all_sessions
from twostep.audit import events
from twostep.mfa import enrollment as enrollments
from twostep.mfa import holds, journey, lockout, mailbox, password_notice, pending, policy, services, setup_binding
from twostep.mfa.conf import app_settings
from twostep.mfa.conf import now as clock_now
from twostep.mfa.forms import CodeForm, SignInForm
from twostep.mfa.headers import shows_secret
from twostep.mfa.qr import qr_svg
from twostep.mfa.services import as_datetime
from twostep.mfa.throttling import describe_wait
from twostep.mfa.views import refusals
from twostep.mfa.views.recovery import show_recovery_codes

guarded = [never_cache, csrf_protect, sensitive_post_parameters("password", "code")]


@method_decorator(guarded, name="dispatch")
class SignInView(View):
    template_name = "mfa/signin.html"

    def get(self, request):
        if request.user.is_authenticated:
            return redirect("home")
        form = SignInForm(request, initial={"email": request.session.pop(pending.REMEMBERED_EMAIL, "")})
        return render(request, self.template_name, {"form": form, "next": request.GET.get("next", "")})

    def post(self, request):
        form = SignInForm(request, data=request.POST, now=clock_now())
        next_url = journey.safe_next(request, request.POST.get("next"))
        if not form.is_valid():
            return self.refused(request, form, next_url)
        try:
            url = journey.after_password(request, form.user, now=clock_now(), next_url=next_url)
        except holds.AccountOnHoldError:
            return refusals.on_hold(request, user=form.user)
        return redirect(url)

    def refused(self, request, form, next_url: str):
        context = {"form": form, "next": next_url}
        # Canonical, in ASCII (A-label, \u escapes): a look-alike of an address reads apart from it.
        email = unambiguous(comparable_email(form.cleaned_data.get("email", "")))[:254]
        known = {"known_device": True} if form.device else {}  # the try counted against its device cookie
        if form.has_error("__all__", "throttled"):
            events.record(events.SIGNIN_THROTTLED, request=request, outcome="failure", email=email,
                          subject=account_of(form), retry_after=form.retry_after, **known)
            return refusals.throttled(request, self.template_name, context, form.retry_after)
        if form.has_error("__all__", "invalid_login"):
            events.record(events.SIGNIN_FAILED, request=request, outcome="failure", email=email,
                          subject=account_of(form), **known)
        return render(request, self.template_name, context, status=400)


def account_of(form):
    """The account the refused sign-in named, for the audit row only (its subject, so the account's own trail and
    its organizations' audit pages show it), or None for an unknown, refused or look-alike address. One indexed
    lookup whether or not the account exists, after the answer is decided: the visitor's page, status and
    cost are the same either way."""
    try:
        return get_user_model()._default_manager.get_by_natural_key(form.cleaned_data.get("email", ""))
    except get_user_model().DoesNotExist:
        return None


def _pending_or_restart(request):
    state = getattr(request, "pending_sign_in", None)
    return state or pending.load(request, now=clock_now())


def _at_setup(request):
    """``(state, None)`` for a live pending sign-in at the setup step, else ``(None, redirect)``.

    An authenticator confirmed since the password step (in another session) moves the sign-in to the
    code step: confirming a new one here would replace it on the strength of the password alone."""
    state = _pending_or_restart(request)
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
            except services.MfaError as exc:
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


@method_decorator(guarded, name="dispatch")
class CodeView(View):
    """Every later sign-in: the 6-digit code from the authenticator app."""

    template_name = "mfa/code.html"

    def get(self, request):
        state = _pending_or_restart(request)
        if state is None or state.stage != pending.CODE:
            return redirect("mfa:signin")
        lock = lockout.status_for(state.user, now=clock_now())
        if lock.locked:
            return refusals.locked(request, user=state.user, pending=True)
        form = CodeForm(digits=services.code_digits(state.user))
        return render(request, self.template_name, self.context(state, form, wait=lock.retry_after))

    def post(self, request):
        state = _pending_or_restart(request)
        if state is None or state.stage != pending.CODE:
            return redirect("mfa:signin")
        form = CodeForm(request.POST, digits=services.code_digits(state.user))
        if form.is_valid():
            try:
                services.verify_code(state.user, form.cleaned_data["code"], now=clock_now(), request=request)
            except services.ThrottledError as exc:  # not a checked code: the pending sign-in's tries stay
                return refusals.throttled(request, self.template_name,
                                          self.context(state, form, wait=exc.retry_after), exc.retry_after)
            except services.LockedError:
                return refusals.locked(request, user=state.user, pending=True)
            except services.MfaError as exc:
                return self.wrong_code(request, state, form, exc)
            journey.complete(request, state.user, now=clock_now(), verified=True)
            return redirect(journey.landing(request))
        return render(request, self.template_name, self.context(state, form), status=400)

    def wrong_code(self, request, state, form, exc):
        if isinstance(exc, services.ReplayedCodeError):  # right once, already used: not a guess, not counted
            refusals.form_error(form, "code", exc)
            return render(request, self.template_name, self.context(state, form), status=400)
        left = pending.record_failure(request)
        password_notice.wrong_code(request, state, left=left, now=clock_now())
        if left == 0:
            messages.error(request, "Too many wrong codes. For your security, sign in again with your password.")
            return redirect("mfa:signin")
        refusals.form_error(form, "code", exc)
        context = self.context(state, form, wait=getattr(exc, "retry_after", 0), attempts_left=left)
        return render(request, self.template_name, context, status=400)

    @staticmethod
    def context(state, form, *, wait: int = 0, **extra) -> dict:
        return {"state": state, "form": form, "wait": describe_wait(wait) if wait else "",
                "support_contact": app_settings().support_contact, **extra}


@method_decorator([never_cache, csrf_protect], name="dispatch")
class SignOutView(View):
    """GET asks to confirm; POST signs out (or abandons a pending sign-in). Signing out ends every
    session of the user, on every device: a sign-out is also the user's way to shut out a lost laptop."""

    def get(self, request):
        return render(request, "mfa/signout.html")

    def post(self, request):
        enrollments.discard_session_setup(setup_binding.existing(request))  # its key dies with the sign-in
        mailbox.discard_session_challenges(request)
        if pending.raw(request):  # cancelling a pending sign-in that had wrong codes tells the user
            password_notice.abandoned(request, reason=password_notice.CANCELLED, now=clock_now())
        if request.user.is_authenticated:
            with transaction.atomic():
                end_all_sessions(request.user)
                events.record(events.SIGNOUT, actor=request.user, subject=request.user, request=request,
                              all_sessions=True)
        logout(request)
        messages.info(request, "You have signed out.")
        return redirect("mfa:signin")
