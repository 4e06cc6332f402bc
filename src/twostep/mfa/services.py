"""MFA use cases. Each is one transaction; each takes the time as ``now`` (Unix seconds).

Errors are ``MfaError`` subclasses with a stable ``code`` (used by forms and any JSON API).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q

from twostep import otp
from twostep.audit import events
from twostep.audit.client import client_address
from twostep.errors import ServiceError
from twostep.mfa import disown_links, lockout, recovery_codes, vault
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


@dataclass(frozen=True)
class Enrollment:
    """An unconfirmed authenticator and what the setup page shows: the secret and its otpauth URI."""

    authenticator: Authenticator
    secret: bytes
    uri: str

    @property
    def key_text(self) -> str:
        """The base32 key in groups of 4, for typing by hand."""
        return otp.group(otp.b32encode(self.secret))


def as_datetime(now: int) -> datetime:
    return datetime.fromtimestamp(now, tz=UTC)


def _enrollment(user, authenticator: Authenticator) -> Enrollment:
    secret = vault.unseal(authenticator.sealed_secret)
    uri = otp.build_uri(secret, account=user.email, issuer=app_settings().issuer,
                        algorithm=authenticator.algorithm, digits=authenticator.digits,
                        period=authenticator.period)
    return Enrollment(authenticator, secret, uri)


def start_enrollment(user, *, now: int) -> Enrollment:
    """The user's unconfirmed authenticator, created with a new 160-bit secret when there is none.

    Calling it again returns the same secret, so a re-rendered setup page shows the same QR code; so do
    two calls at the same moment (two tabs): the one whose row loses the unique constraint reads the other's.
    """
    with transaction.atomic():
        pending = Authenticator.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
        if pending is None:
            try:
                with transaction.atomic():  # a savepoint: the outer transaction survives losing the race
                    pending = _new_authenticator(user, now=now)
            except IntegrityError:
                pending = Authenticator.objects.select_for_update().get(user=user, confirmed_at__isnull=True)
    return _enrollment(user, pending)


def _new_authenticator(user, *, now: int) -> Authenticator:
    conf = app_settings()
    return Authenticator.objects.create(
        user=user, sealed_secret=vault.seal(otp.generate_secret(20)), algorithm=conf.algorithm,
        digits=conf.digits, period=conf.period, created_at=as_datetime(now),
    )


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
    ).update(last_used_step=step, last_used_at=as_datetime(now), failed_attempts=0, throttled_until=None)
    return claimed == 1


def confirm_enrollment(user, code: str, *, now: int, request=None) -> Authenticator:
    """Activate the user's unconfirmed authenticator with a code from the app, and issue a new set of
    recovery codes (voiding the old set) in the same transaction.

    Replaces any previously confirmed authenticator. After the commit the user gets the "MFA was set up"
    notice with its *This wasn't me* link (``disown_links.announce_enrollment``). Returns the
    authenticator; its transient
    ``recovery_codes`` attribute (list of str, ``xxxxx-xxxxx``) holds the new codes to show once: they
    are stored only hashed. Raises MalformedCodeError, InvalidCodeError, NoAuthenticatorError; on error
    nothing changes and the same secret stays pending.
    """
    with transaction.atomic():
        pending = Authenticator.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
        if pending is None:
            raise NoAuthenticatorError()
        step = _match(pending, code, now=now)
        if step is None:
            raise InvalidCodeError()
        replaced = Authenticator.objects.filter(user=user, confirmed_at__isnull=False).delete()[0]
        pending.confirmed_at = as_datetime(now)
        pending.last_used_step = step
        pending.last_used_at = as_datetime(now)
        pending.confirmed_ip = client_address(request) if request is not None else None
        pending.save(update_fields=["confirmed_at", "last_used_step", "last_used_at", "confirmed_ip"])
        disown_links.announce_enrollment(user, pending, replaced=bool(replaced), now=now, request=request)
        events.record(events.MFA_ENROLLED, actor=user, subject=user, request=request,
                      authenticator_id=pending.pk)
        pending.recovery_codes = recovery_codes.issue(user, moment=as_datetime(now))
        events.record(events.RECOVERY_CODES_GENERATED, actor=user, subject=user, request=request,
                      count=len(pending.recovery_codes), reason="enrollment")
    return pending


def verify_code(user, code: str, *, now: int, request=None) -> int:
    """Check a sign-in code against the user's confirmed authenticator; returns the accepted time step.

    Raises MalformedCodeError, InvalidCodeError (``retry_after``: seconds before the next try),
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
    step = _match(authenticator, code, now=now)
    if step is None:
        return _wrong_code(user, authenticator, now=now, request=request)
    if not _claim_step(authenticator, step, now=now):
        # A replayed code was right once: it is refused but is not a guess, so it is not counted.
        events.record(events.CODE_FAILED, actor=user, subject=user, request=request, outcome="failure",
                      reason=ReplayedCodeError.code)
        return ReplayedCodeError()
    return step


def _wrong_code(user, authenticator: Authenticator, *, now: int, request) -> MfaError:
    state = lockout.count_failure(authenticator, now=now)
    failures = authenticator.failed_attempts
    events.record(events.CODE_FAILED, actor=user, subject=user, request=request, outcome="failure",
                  reason=InvalidCodeError.code, failures=failures)
    if state.locked:
        events.record(events.MFA_LOCKED, actor=user, subject=user, request=request, outcome="failure",
                      failures=failures)
        return LockedError()
    return InvalidCodeError(retry_after=state.retry_after)
