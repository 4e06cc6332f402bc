"""MFA use cases. Each is one transaction; each takes the time as ``now`` (Unix seconds).

Errors are ``MfaError`` subclasses with a stable ``code`` (used by forms and any JSON API).
"""

from typing import cast

from django.db import transaction
from django.db.models import Q

from twostep import otp
from twostep.clock import as_datetime
from twostep.mfa import lockout
from twostep.mfa.authenticators import skew, vault
from twostep.mfa.conf import app_settings
from twostep.mfa.errors import LockedError as LockedError  # re-exported: every factor's refusals
from twostep.mfa.errors import MfaError
from twostep.mfa.errors import ThrottledError as ThrottledError
from twostep.mfa.models import Authenticator


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


class NoAuthenticatorError(MfaError):
    code = "no_authenticator"
    message = "There is no authenticator to check this code against. Start the setup again."


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
    ).update(last_used_step=step, last_used_at=as_datetime(now),
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
    checked) or LockedError (the wrong code that locked, and every try after it). The count of wrong codes
    is the one every second factor of the user shares (``lockout``); it and the audit events are committed
    before the error is raised.
    """
    with transaction.atomic():
        guard = lockout.acquire(user, factor=lockout.TOTP, now=now, request=request)  # first: the lock order
        authenticator = (Authenticator.objects.select_for_update()
                         .filter(user=user, confirmed_at__isnull=False).first())
        if authenticator is None:
            raise NoAuthenticatorError()
        outcome = _attempt(guard, authenticator, code, now=now)
    if isinstance(outcome, MfaError):
        raise outcome
    return outcome


def _attempt(guard: lockout.Guard, authenticator: Authenticator, code: str, *, now: int) -> int | MfaError:
    """One try under the locks: the accepted step, or the error once its rows and events are written."""
    if guard.refused:  # a throttled try checks no code at all
        return guard.refused
    verdict = _check(authenticator, code, now=now)
    if verdict.outcome == otp.drift.CLOCK:
        return _clock_answer(guard, authenticator, verdict)
    if verdict.outcome == otp.drift.WRONG:
        return _wrong_code(guard)
    step = cast(int, verdict.step)  # an ACCEPTED verdict carries its step (otp.drift.Verdict)
    if verdict.outcome == otp.drift.USED or not _claim_step(authenticator, step, verdict.state, now=now):
        # A replayed code was right once (or was answered about the clock already): refused, not a guess.
        return guard.not_counted(ReplayedCodeError())
    guard.succeeded()
    return step


def _clock_answer(guard: lockout.Guard, authenticator: Authenticator, verdict: otp.drift.Verdict) -> MfaError:
    """A code from a clock that is off: remembered, counted as a wrong code, and answered about the clock."""
    _remember_clock(authenticator, verdict)
    error = _wrong_code(guard, clock_offset=verdict.offset)
    if not isinstance(error, InvalidCodeError):  # the lockout says more than the clock
        return error
    offset = cast(int, verdict.offset)  # a CLOCK verdict carries its offset (otp.drift.Verdict)
    return ClockSkewError(offset, drift=authenticator.drift, period=authenticator.period,
                          retry_after=error.retry_after)


def _wrong_code(guard: lockout.Guard, **detail) -> MfaError:
    return guard.failed(InvalidCodeError(), **detail)
