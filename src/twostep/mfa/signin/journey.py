"""Where a sign-in goes after each step: the shared moves of the views and the middleware."""

from django.contrib.auth import login
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from twostep.accounts import device_cookies
from twostep.audit import events
from twostep.clock import as_datetime
from twostep.mfa import policy
from twostep.mfa.disown import holds
from twostep.mfa.signin import pending
from twostep.mfa.stepup import services as stepup

MFA_VERIFIED_AT = "twostep_mfa_verified_at"  # session key: Unix seconds of the last accepted code
BACKEND = "django.contrib.auth.backends.ModelBackend"


def safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return ""


def stage_url(stage: str) -> str:
    return reverse("mfa:setup" if stage == pending.SETUP else "mfa:code")


def _refuse_on_hold(requirement) -> None:
    if requirement.on_hold:
        raise holds.AccountOnHoldError()


def after_password(request, user, *, now: int, next_url: str = "") -> str:
    """The password was right: sign in, or start a pending sign-in at setup or code. Returns the URL.

    Raises AccountOnHoldError (nothing happens: not signed in, no pending sign-in) for an account on hold."""
    requirement = policy.requirement_for(user)
    _refuse_on_hold(requirement)
    if not requirement.required_at(as_datetime(now)):
        complete(request, user, now=now, verified=False)
        return next_url or resolve_url("home")
    return require_second_step(request, user, now=now, next_url=next_url, requirement=requirement,
                               password_checked=True)


def require_second_step(request, user, *, now: int, next_url: str = "", requirement=None,
                        password_checked: bool = False) -> str:
    """Put the session in a pending sign-in for ``user``; returns the URL of its step. ``password_checked``:
    the password was verified in this request (not at an earlier sign-in of an open session). Raises
    AccountOnHoldError for an account on hold."""
    requirement = requirement or policy.requirement_for(user)
    _refuse_on_hold(requirement)
    stage = pending.CODE if requirement.has_authenticator else pending.SETUP
    pending.begin(request, user, stage=stage, now=now, next_url=next_url, password_checked=password_checked)
    return stage_url(stage)


def complete(request, user, *, now: int, verified: bool) -> None:
    """Sign the user in (``login`` rotates the session key) and record it. ``verified``: a code or a recovery
    code was accepted; with the password checked in the same pending sign-in that is a step-up too, so its
    window starts now (Unix seconds)."""
    state = pending.raw(request) or {}
    next_url = state.get("next", "")
    pending.clear(request)
    login(request, user, backend=BACKEND)
    request.session[MFA_VERIFIED_AT] = now if verified else None
    if verified and state.get("password_checked", False):
        stepup.mark(request, now=now)
    request.session["twostep_next"] = next_url
    device_cookies.issue(request, user, now=now)  # only here: the whole sign-in is done
    events.record(events.SIGNIN_SUCCEEDED, actor=user, subject=user, request=request, mfa=verified)


def landing(request) -> str:
    """Where to go after a completed sign-in (the page first asked for, else home)."""
    return safe_next(request, request.session.pop("twostep_next", "")) or resolve_url("home")
