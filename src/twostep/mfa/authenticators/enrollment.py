"""Enrollment use cases: begin the setup of an authenticator app, confirm it with its first code, discard it.

An unconfirmed authenticator belongs to one session (``setup_binding``)
and lives until ``setup_expires_at`` (``TWOSTEP_SETUP_TIMEOUT`` seconds). Only that session sees its secret
and only that session can confirm it; a setup begun in another session, a password change or reset, a
support reset and sign-out discard it. Each use case is one transaction and takes ``now`` (Unix seconds).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from twostep import otp
from twostep.audit import events
from twostep.audit.client import client_address
from twostep.clock import as_datetime
from twostep.mfa.authenticators import skew, vault
from twostep.mfa.authenticators.services import InvalidCodeError, MalformedCodeError
from twostep.mfa.conf import app_settings
from twostep.mfa.disown.links import announce_enrollment
from twostep.mfa.errors import MfaError
from twostep.mfa.models import Authenticator
from twostep.mfa.recovery import codes as recovery_codes


class SetupGoneError(MfaError):
    """The session's setup no longer exists: it expired, or was discarded (another session began one)."""

    code = "setup_gone"
    message = ("This setup has ended: it ran out of time, or setup was started again somewhere else. "
               "Scan the new QR code to start again.")


class SetupClockError(InvalidCodeError):
    """The confirming code is from a time step near ours but outside ``TWOSTEP_TOTP_WINDOW``: the phone's clock
    is off. Nothing is confirmed (and setup counts no wrong codes). ``offset`` in steps (>0: the app is ahead)."""

    code = "clock_skew"

    def __init__(self, offset: int, *, period: int):
        super().__init__(skew.message(offset, drift=0, period=period))
        self.offset = offset


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

    @property
    def expires_at(self):
        """When this setup stops working (aware datetime)."""
        return self.authenticator.setup_expires_at


def _enrollment(user, authenticator: Authenticator) -> Enrollment:
    secret = vault.unseal(authenticator.sealed_secret)
    uri = otp.build_uri(secret, account=user.email, issuer=app_settings().issuer,
                        algorithm=authenticator.algorithm, digits=authenticator.digits,
                        period=authenticator.period)
    return Enrollment(authenticator, secret, uri)


def _live_setup(user, binding: str, *, now: int) -> Authenticator | None:
    """The unconfirmed authenticator of ``user`` bound to ``binding`` and not expired, locked for update."""
    return (Authenticator.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=True, setup_binding=binding,
                    setup_expires_at__gte=as_datetime(now)).first())


def start_enrollment(user, *, binding: str, now: int, request=None) -> Enrollment:
    """The setup of ``user`` bound to ``binding`` (a session's, from ``setup_binding.binding``), created with a
    new 160-bit secret when this session has none; expires ``TWOSTEP_SETUP_TIMEOUT`` seconds after ``now``.

    Calling it again from the same session returns the same secret, so a re-rendered page (or a second tab)
    shows the same QR code. Any other setup of the user — another session's, or an expired one — is deleted
    first: its secret never confirms anything. Records ``mfa.setup_started`` when a setup is created.
    """
    if not binding:
        raise ValueError("a setup must be bound to a session")
    with transaction.atomic():
        # The user's row lock serializes every setup start of this user (two tabs, two sessions, two servers).
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        current = _live_setup(user, binding, now=now) or _replace_setup(user, binding, now=now, request=request)
    return _enrollment(user, current)


def _replace_setup(user, binding: str, *, now: int, request) -> Authenticator:
    """Delete any other setup of ``user`` and create this session's (under the user's row lock)."""
    discarded = Authenticator.objects.filter(user=user, confirmed_at__isnull=True).delete()[0]
    created = _new_authenticator(user, binding, now=now)
    events.record(events.MFA_SETUP_STARTED, actor=user, subject=user, request=request,
                  discarded_other=bool(discarded), expires_in=app_settings().setup_timeout)
    return created


def _new_authenticator(user, binding: str, *, now: int) -> Authenticator:
    conf = app_settings()
    return Authenticator.objects.create(
        user=user, sealed_secret=vault.seal(otp.generate_secret(20)), algorithm=conf.algorithm,
        digits=conf.digits, period=conf.period, created_at=as_datetime(now), setup_binding=binding,
        setup_expires_at=as_datetime(now + conf.setup_timeout),
    )


def setup_of(user, binding: str | None, *, now: int) -> Authenticator | None:
    """The live setup of ``user`` bound to ``binding`` (not locked; None when there is none)."""
    if not binding:
        return None
    return (Authenticator.objects.filter(user=user, confirmed_at__isnull=True, setup_binding=binding,
                                         setup_expires_at__gte=as_datetime(now)).first())


def discard_setup(user, *, binding: str | None = None) -> int:
    """Delete the unconfirmed authenticator of ``user`` (only the one bound to ``binding`` when given);
    returns how many rows went."""
    rows = Authenticator.objects.filter(user=user, confirmed_at__isnull=True)
    if binding is not None:
        rows = rows.filter(setup_binding=binding)
    return rows.delete()[0]


def discard_session_setup(binding: str | None) -> int:
    """Delete the setup bound to a session's ``binding`` (sign-out); returns how many rows went."""
    if not binding:
        return 0
    return Authenticator.objects.filter(confirmed_at__isnull=True, setup_binding=binding).delete()[0]


def discard_on_password_change(sender, *, user, **kwargs) -> None:
    """Receiver of ``accounts.signals.password_changed``: a new password voids every setup in progress."""
    discard_setup(user)


def confirm_enrollment(user, code: str, *, binding: str | None, now: int, request=None) -> Authenticator:
    """Activate the setup of ``user`` bound to ``binding`` with a code from the app, and issue a new set of
    recovery codes (voiding the old set) in the same transaction.

    Replaces any previously confirmed authenticator. After the commit the user gets the "MFA was set up" notice
    with its *This wasn't me* link (``disown.links.announce_enrollment``).
    Returns the authenticator; its transient ``recovery_codes`` attribute (list of str, ``xxxxx-xxxxx``)
    holds the new codes to show once: they are stored only hashed. Raises MalformedCodeError,
    InvalidCodeError, SetupClockError (the code fits a clock off by more than ``TWOSTEP_TOTP_WINDOW`` steps),
    or SetupGoneError when this session has no live setup (expired, discarded, or begun elsewhere); on error
    nothing changes and the same secret stays pending.

    The code may come from ``TWOSTEP_TOTP_WINDOW`` steps either side of ours; its step teaches the
    authenticator its app's clock offset (``twostep.otp.drift.drift_at_setup``), stored with it.
    """
    with transaction.atomic():
        pending = _live_setup(user, binding, now=now) if binding else None
        if pending is None:
            raise SetupGoneError()
        step = _setup_step(pending, code, now=now)
        replaced = Authenticator.objects.filter(user=user, confirmed_at__isnull=False).delete()[0]
        _activate(pending, step, now=now, request=request)
        announce_enrollment(user, pending, replaced=bool(replaced), now=now, request=request)
        events.record(events.MFA_ENROLLED, actor=user, subject=user, request=request,
                      authenticator_id=pending.pk)
        pending.recovery_codes = recovery_codes.issue(user, moment=as_datetime(now))
        events.record(events.RECOVERY_CODES_GENERATED, actor=user, subject=user, request=request,
                      count=len(pending.recovery_codes), reason="enrollment")
    return pending


def _setup_step(pending: Authenticator, code: str, *, now: int) -> int:
    """The time step of the confirming ``code``, within ``TWOSTEP_TOTP_WINDOW`` steps of ours; raises
    MalformedCodeError, SetupClockError for a code from further off (within ``otp.drift.CLOCK_BAND``), else
    InvalidCodeError."""
    window, band = app_settings().window, otp.drift.CLOCK_BAND
    try:
        matched = otp.matching_steps(vault.unseal(pending.sealed_secret), code, now=now, lo=-band, hi=band,
                                     period=pending.period, digits=pending.digits, algorithm=pending.algorithm)
    except otp.InvalidCodeFormat as exc:
        raise MalformedCodeError() from exc
    current = otp.time_step(now, period=pending.period)
    near = [step for step in matched if abs(step - current) <= window]
    if near:
        return near[-1]
    if matched:
        raise SetupClockError(matched[-1] - current, period=pending.period)
    raise InvalidCodeError()


def _activate(pending: Authenticator, step: int, *, now: int, request) -> None:
    pending.confirmed_at = pending.last_used_at = as_datetime(now)
    pending.last_used_step = step
    pending.drift = otp.drift.drift_at_setup(step - otp.time_step(now, period=pending.period))
    pending.confirmed_ip = client_address(request) if request is not None else None
    pending.setup_binding, pending.setup_expires_at = "", None
    pending.save(update_fields=["confirmed_at", "last_used_step", "last_used_at", "drift", "confirmed_ip",
                                "setup_binding", "setup_expires_at"])
