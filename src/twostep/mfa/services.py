"""MFA use cases. Each is one transaction; each takes the time as ``now`` (Unix seconds).

Errors are ``MfaError`` subclasses with a stable ``code`` (used by forms and any JSON API).
"""

from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Q

from twostep import otp
from twostep.audit import events
from twostep.errors import ServiceError
from twostep.mfa import lockout, skew, vault
from twostep.mfa.conf import app_settings
from twostep.mfa.models import Authenticator
from twostep.mfa.throttling import describe_wait


class MfaError(ServiceError):
    code = "mfa_error"
    message = "Multi-factor authentication failed."


class MalformedCodeError(MfaError):
    code = "malformed_code"
    message = "Enter the 6-digit code shown in your authenticator app (digits only)."


class InvalidCodeError(MfaError):
    code = "invalid_code"
    message = "That code is not correct. Check that you typed the newest code from your authenticator app."

    def __init__(self, message: str | None = None, *, retry_after: int = 0):
        super().__init__(message)
        self.retry_after = retry_after  # seconds before the next code is checked (0: now)


class ClockSkewError(InvalidCodeError):
    """The code is from another time step near ours than the accepted ones (``twostep.otp.drift.CLOCK``):
    refused and counted as a wrong code, with a message about the phone's clock. ``offset``: the code's step
    minus ours, in steps (>0: the app is ahead)."""

    code = "clock_skew"

    def __init__(self, offset: int, *, drift: int, period: int, retry_after: int = 0):
        super().__init__(skew.message(offset, drift=drift, period=period), retry_after=retry_after)
        self.offset = offset


class ReplayedCodeError(MfaError):
    code = "replayed_code"
    message = "That code has already been used. Wait for the next code in your authenticator app."


class ThrottledError(MfaError):
    """Too many wrong codes in a row: no code is checked for ``retry_after`` seconds."""

    code = "throttled"

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"Too many wrong codes. For your security, wait {describe_wait(retry_after)} "
                         "before you try again.")


class LockedError(MfaError):
    """Too many wrong codes in a row: no code is checked until support resets MFA or a recovery code is used."""

    code = "locked"
    message = ("Sign-in with your authenticator app is locked after too many wrong codes. Use a recovery code, "
               "or contact your organization's support desk.")


class NoAuthenticatorError(MfaError):
    code = "no_authenticator"
    message = "There is no authenticator to check this code against. Start the setup again."


def as_datetime(now: int) -> datetime:
    return datetime.fromtimestamp(now, tz=UTC)


def code_digits(user) -> int:
    """How many digits the codes of ``user``'s confirmed authenticator have (``TWOSTEP_TOTP_DIGITS``, the
    digits of new authenticators, when there is none)."""
    digits = (Authenticator.objects.filter(user=user, confirmed_at__isnull=False)
              .values_list("digits", flat=True).first())
    return digits or app_settings().digits


def clock_state(authenticator: Authenticator) -> otp.drift.ClockState:
    """What ``authenticator`` has learned of its app's clock."""
    return otp.drift.ClockState(authenticator.drift, authenticator.clock_step, authenticator.clock_drift)


def _check(authenticator: Authenticator, code: str, *, now: int) -> otp.drift.Verdict:
    """The verdict on a sign-in code by the app's learned clock (``twostep.otp.drift.check``); raises
    MalformedCodeError."""
    try:
        return otp.drift.check(
            vault.unseal(authenticator.sealed_secret), code, now=now, state=clock_state(authenticator),
            accept=app_settings().accept, last_used_step=authenticator.last_used_step,
            period=authenticator.period, digits=authenticator.digits, algorithm=authenticator.algorithm,
        )
    except otp.InvalidCodeFormat as exc:
        raise MalformedCodeError() from exc


def _claim_step(authenticator: Authenticator, step: int, learned: otp.drift.ClockState, *, now: int) -> bool:
    """Atomically record ``step`` as used, with what the code taught of the app's clock (``learned``); False
    when it (or a later one) was already accepted, and then nothing is stored.

    The conditional UPDATE is the replay guard: two servers on one database cannot both win it.
    """
    claimed = Authenticator.objects.filter(
        Q(last_used_step__isnull=True) | Q(last_used_step__lt=step), pk=authenticator.pk
    ).update(last_used_step=step, last_used_at=as_datetime(now), failed_attempts=0, throttled_until=None,
             drift=learned.drift, clock_step=learned.clock_step, clock_drift=learned.clock_drift)
    return claimed == 1


def _remember_clock(authenticator: Authenticator, verdict: otp.drift.Verdict) -> None:
    """Keep the step and offset of a code that got a clock answer (under the row lock of the try)."""
    authenticator.clock_step, authenticator.clock_drift = verdict.state.clock_step, verdict.state.clock_drift
    Authenticator.objects.filter(pk=authenticator.pk).update(clock_step=authenticator.clock_step,
                                                             clock_drift=authenticator.clock_drift)


def verify_code(user, code: str, *, now: int, request=None) -> int:
    """Check a sign-in code against the user's confirmed authenticator; returns the accepted time step.

    Raises MalformedCodeError, InvalidCodeError (``retry_after``: seconds before the next try),
    ClockSkewError (an InvalidCodeError: a code from a clock that is off, counted like a wrong one),
    ReplayedCodeError, NoAuthenticatorError, ThrottledError (``retry_after`` seconds; the code was not
    checked) or LockedError (the 100th consecutive wrong code, and every try after it). The wrong-code
    counter, the back-off and the audit events are committed before the error is raised.
    """
    with transaction.atomic():
        authenticator = (Authenticator.objects.select_for_update()
                         .filter(user=user, confirmed_at__isnull=False).first())
        if authenticator is None:
            raise NoAuthenticatorError()
        outcome = _attempt(user, authenticator, code, now=now, request=request)
    if isinstance(outcome, MfaError):
        raise outcome
    return outcome


def _attempt(user, authenticator: Authenticator, code: str, *, now: int, request) -> int | MfaError:
    """One try under the row lock: the accepted step, or the error once its rows and events are written."""
    state = lockout.state_of(authenticator, now=now)
    if state.refuses:  # a throttled try checks no code at all
        error = LockedError() if state.locked else ThrottledError(state.retry_after)
        events.record(events.CODE_THROTTLED, actor=user, subject=user, request=request, outcome="failure",
                      reason=error.code, retry_after=state.retry_after)
        return error
    verdict = _check(authenticator, code, now=now)
    if verdict.outcome == otp.drift.CLOCK:
        return _clock_answer(user, authenticator, verdict, now=now, request=request)
    if verdict.outcome == otp.drift.WRONG:
        return _wrong_code(user, authenticator, now=now, request=request)
    if verdict.outcome == otp.drift.USED or not _claim_step(authenticator, verdict.step, verdict.state, now=now):
        # A replayed code was right once (or was answered about the clock already): refused, not a guess.
        events.record(events.CODE_FAILED, actor=user, subject=user, request=request, outcome="failure",
                      reason=ReplayedCodeError.code)
        return ReplayedCodeError()
    return verdict.step


def _clock_answer(user, authenticator: Authenticator, verdict: otp.drift.Verdict, *, now: int,
                  request) -> MfaError:
    """A code from a clock that is off: remembered, counted as a wrong code, and answered about the clock."""
    _remember_clock(authenticator, verdict)
    error = _wrong_code(user, authenticator, now=now, request=request, clock_offset=verdict.offset)
    if not isinstance(error, InvalidCodeError):  # the lockout says more than the clock
        return error
    return ClockSkewError(verdict.offset, drift=authenticator.drift, period=authenticator.period,
                          retry_after=error.retry_after)


def _wrong_code(user, authenticator: Authenticator, *, now: int, request, **detail) -> MfaError:
    state = lockout.count_failure(authenticator, now=now)
    failures = authenticator.failed_attempts
    events.record(events.CODE_FAILED, actor=user, subject=user, request=request, outcome="failure",
                  reason=InvalidCodeError.code, failures=failures, **detail)
    if state.locked:
        events.record(events.MFA_LOCKED, actor=user, subject=user, request=request, outcome="failure",
                      failures=failures)
        return LockedError()
    return InvalidCodeError(retry_after=state.retry_after)
