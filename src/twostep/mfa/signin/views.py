"""The sign-in journey: the password, then a code (or a recovery code), then signed in; and sign-out.

The first setup of a pending sign-in, between the password and signed in, is ``setup_views``."""

from typing import Any

from django import forms
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
from twostep.accounts.backoff import describe_wait
from twostep.accounts.sessions import end_all_sessions
from twostep.audit import events
from twostep.clock import now as clock_now
from twostep.mfa import lockout, refusals
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.authenticators import services as authenticators
from twostep.mfa.authenticators import setup_binding
from twostep.mfa.authenticators.forms import CodeForm
from twostep.mfa.conf import app_settings
from twostep.mfa.disown import holds
from twostep.mfa.errors import LockedError, MfaError, ThrottledError
from twostep.mfa.mailbox import services as mailbox
from twostep.mfa.recovery import services as recovery
from twostep.mfa.recovery.forms import RecoveryCodeForm
from twostep.mfa.recovery.pages import remaining_message
from twostep.mfa.signin import journey, password_notice, pending
from twostep.mfa.signin.forms import SignInForm

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
        # The try counted against its device cookie:
        known: dict[str, Any] = {"known_device": True} if form.device else {}
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


def _at_code(request):
    """The live pending sign-in at the code step, or None (then the sign-in starts over at the password)."""
    state = pending.current(request, now=clock_now())
    return state if state is not None and state.stage == pending.CODE else None


def _count_wrong_code(request, state) -> int:
    """A wrong code or recovery code counts toward the pending sign-in's limit (and the password notice);
    returns the attempts left. At 0 the pending sign-in is over and the user is told so."""
    left = pending.record_failure(request)
    password_notice.wrong_code(request, state, left=left, now=clock_now())
    if left == 0:
        messages.error(request, "Too many wrong codes. For your security, sign in again with your password.")
    return left


class CodeStepView(View):
    """A page of the code step (a code from the app, or a recovery code): GET needs a live pending sign-in at
    that step, shows the locked page to a locked user, and says how long a running wait lasts."""

    template_name: str

    def context(self, state, form, *, wait: int = 0, **extra) -> dict:
        raise NotImplementedError  # each step's page

    def blank_form(self, state) -> forms.Form:
        raise NotImplementedError

    def get(self, request):
        state = _at_code(request)
        if state is None:
            return redirect("mfa:signin")
        lock = lockout.status_for(state.user, now=clock_now())
        if lock.locked:
            return refusals.locked(request, user=state.user, pending=True)
        return render(request, self.template_name, self.context(state, self.blank_form(state), wait=lock.retry_after))


@method_decorator(guarded, name="dispatch")
class CodeView(CodeStepView):
    """Every later sign-in: the 6-digit code from the authenticator app."""

    template_name = "mfa/code.html"

    def blank_form(self, state):
        return CodeForm(digits=authenticators.code_digits(state.user))

    def post(self, request):
        state = _at_code(request)
        if state is None:
            return redirect("mfa:signin")
        form = CodeForm(request.POST, digits=authenticators.code_digits(state.user))
        if form.is_valid():
            try:
                authenticators.verify_code(state.user, form.cleaned_data["code"], now=clock_now(), request=request)
            except ThrottledError as exc:  # not a checked code: the pending sign-in's tries stay
                return refusals.throttled(request, self.template_name,
                                          self.context(state, form, wait=exc.retry_after), exc.retry_after)
            except LockedError:
                return refusals.locked(request, user=state.user, pending=True)
            except MfaError as exc:
                return self.wrong_code(request, state, form, exc)
            journey.complete(request, state.user, now=clock_now(), verified=True)
            return redirect(journey.landing(request))
        return render(request, self.template_name, self.context(state, form), status=400)

    def wrong_code(self, request, state, form, exc):
        if isinstance(exc, authenticators.ReplayedCodeError):  # right once, already used: not a guess, not counted
            refusals.form_error(form, "code", exc)
            return render(request, self.template_name, self.context(state, form), status=400)
        left = _count_wrong_code(request, state)
        if left == 0:
            return redirect("mfa:signin")
        refusals.form_error(form, "code", exc)
        context = self.context(state, form, wait=getattr(exc, "retry_after", 0), attempts_left=left)
        return render(request, self.template_name, context, status=400)

    @staticmethod
    def context(state, form, *, wait: int = 0, **extra) -> dict:
        return {"state": state, "form": form, "wait": describe_wait(wait) if wait else "",
                "support_contact": app_settings().support_contact, **extra}


@method_decorator([never_cache, csrf_protect, sensitive_post_parameters("recovery_code")], name="dispatch")
class RecoverySignInView(CodeStepView):
    """At the code step of a sign-in: one of the recovery codes in place of the code from the app. It shares
    the back-off of every second factor of the user: during a wait it answers 429 (nothing checked, none of the
    pending sign-in's tries used), when locked 403."""

    template_name = "mfa/recovery_signin.html"

    def blank_form(self, state):
        return RecoveryCodeForm()

    def post(self, request):
        state = _at_code(request)
        if state is None:
            return redirect("mfa:signin")
        form = RecoveryCodeForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(state, form), status=400)
        try:
            left = recovery.use_recovery_code(state.user, form.cleaned_data["recovery_code"], now=clock_now(),
                                              purpose=recovery.SIGNIN, request=request)
        except ThrottledError as exc:  # not a checked code: the pending sign-in's tries stay
            return refusals.throttled(request, self.template_name, self.context(state, form, wait=exc.retry_after),
                                      exc.retry_after)
        except LockedError:
            return refusals.locked(request, user=state.user, pending=True)
        except MfaError as exc:
            return self.wrong_code(request, state, form, exc)
        journey.complete(request, state.user, now=clock_now(), verified=True)
        remaining_message(request, left)
        return redirect(journey.landing(request))

    def wrong_code(self, request, state, form, exc):
        """A wrong recovery code counts toward the pending sign-in's limit, like a wrong code."""
        attempts_left = _count_wrong_code(request, state)
        if attempts_left == 0:
            return redirect("mfa:signin")
        refusals.form_error(form, "recovery_code", exc)
        context = self.context(state, form, wait=exc.retry_after, attempts_left=attempts_left)
        return render(request, self.template_name, context, status=400)

    @staticmethod
    def context(state, form, *, wait: int = 0, **extra) -> dict:
        return {"state": state, "form": form, "wait": describe_wait(wait) if wait else "", **extra}


@method_decorator([never_cache, csrf_protect], name="dispatch")
class SignOutView(View):
    """GET asks to confirm; POST signs out (or abandons a pending sign-in): this session only, or with
    ``scope=everywhere`` every session of the user on every device (the way to shut out a lost laptop)."""

    def get(self, request):
        return render(request, "mfa/signout.html")

    def post(self, request):
        enrollments.discard_session_setup(setup_binding.existing(request))  # its key dies with the sign-in
        mailbox.discard_session_challenges(request)
        if pending.raw(request):  # cancelling a pending sign-in that had wrong codes tells the user
            password_notice.abandoned(request, reason=password_notice.CANCELLED, now=clock_now())
        if request.user.is_authenticated:
            everywhere = request.POST.get("scope") == "everywhere"
            with transaction.atomic():
                if everywhere:
                    end_all_sessions(request.user)
                events.record(events.SIGNOUT, actor=request.user, subject=request.user, request=request,
                              all_sessions=everywhere)
        logout(request)
        messages.info(request, "You have signed out.")
        return redirect("mfa:signin")
