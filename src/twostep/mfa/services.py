"""MFA use cases. Each is one transaction; each takes the time as ``now`` (Unix seconds).

Errors are ``MfaError`` subclasses with a stable ``code`` (used by forms and any JSON API).
"""

from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Q

from twostep import otp
from twostep.mfa import lockout, vault
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


class ReplayedCodeError(MfaError):
    code = "replayed_code"
    message = "That code has already been used. Wait for the next code in your authenticator app."


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


def _match(authenticator: Authenticator, code: str, *, now: int) -> int | None:
    """The matched time step, None for a wrong code; raises MalformedCodeError."""
    try:
        return otp.verify(
            vault.unseal(authenticator.sealed_secret), code, now=now, window=app_settings().window,
            period=authenticator.period, digits=authenticator.digits, algorithm=authenticator.algorithm,
        )
    except otp.InvalidCodeFormat as exc:
        raise MalformedCodeError() from exc


def _claim_step(authenticator: Authenticator, step: int, *, now: int) -> bool:
    """Atomically record ``step`` as used; False when it (or a later one) was already accepted.

    The conditional UPDATE is the replay guard: two servers on one database cannot both win it.
    """
    claimed = Authenticator.objects.filter(
        Q(last_used_step__isnull=True) | Q(last_used_step__lt=step), pk=authenticator.pk
    ).update(last_used_step=step, last_used_at=as_datetime(now))
    return claimed == 1


def verify_code(user, code: str, *, now: int, request=None) -> int:
    """Check a sign-in code against the user's confirmed authenticator; returns the accepted time step.

    Raises MalformedCodeError, InvalidCodeError (``retry_after``: seconds before the next try),
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
    step = _match(authenticator, code, now=now)
    if step is None:
        return _wrong_code(guard)
    if not _claim_step(authenticator, step, now=now):
        # A replayed code was right once: it is refused but is not a guess, so it is not counted.
        return guard.not_counted(ReplayedCodeError())
    guard.succeeded()
    return step


def _wrong_code(guard: lockout.Guard) -> MfaError:
    return guard.failed(InvalidCodeError())
