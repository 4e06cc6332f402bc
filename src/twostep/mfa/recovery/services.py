"""Recovery-code use cases: accept a code in place of a verification code, and issue a new set.

Each is one transaction and takes the time as ``now`` (Unix seconds). Errors are ``MfaError``
subclasses with a stable ``code``.
"""

from django.db import transaction

from twostep.accounts import sessions
from twostep.audit import events
from twostep.clock import as_datetime
from twostep.mfa import lockout, notices
from twostep.mfa.authenticators.services import NoAuthenticatorError
from twostep.mfa.errors import MfaError
from twostep.mfa.models import Authenticator
from twostep.mfa.recovery import codes

SIGNIN, STEP_UP = "signin", "stepup"


class MalformedRecoveryCodeError(MfaError):
    code = "malformed_recovery_code"
    message = "Enter a recovery code as it was given to you, like abcde-12345 (10 letters and digits)."


class InvalidRecoveryCodeError(MfaError):
    code = "invalid_recovery_code"
    message = "That recovery code is not correct. Check each character and try again."


class UsedRecoveryCodeError(MfaError):
    code = "used_recovery_code"
    message = "That recovery code has already been used. Each code works once: use another one from your list."


def parse(text: str) -> str:
    """The normalized code typed as ``text``; raises MalformedRecoveryCodeError."""
    code = codes.normalize(text)
    if code is None:
        raise MalformedRecoveryCodeError()
    return code


def use_recovery_code(user, code: str, *, now: int, purpose: str = SIGNIN, request=None) -> int:
    """Accept one unused recovery code of ``user`` in place of a verification code; returns how many
    unused codes remain.

    ``purpose`` is SIGNIN or STEP_UP (recorded in the audit events). A wrong code counts toward the back-off
    and lockout every second factor of the user shares (``lockout``); a right one resets it. A sign-in
    (SIGNIN) sends the user a notice by e-mail after the commit. Raises MalformedRecoveryCodeError (nothing
    counted), InvalidRecoveryCodeError (``retry_after``: seconds before the next try), UsedRecoveryCodeError
    (right once: not counted), ThrottledError (nothing checked) or LockedError (the wrong code that locked,
    and every try after it: no code is checked, not even a right one); the count and the audit events are
    committed before the error is raised.
    """
    normalized = parse(code)
    with transaction.atomic():
        guard = lockout.acquire(user, factor=lockout.RECOVERY_CODE, now=now, request=request, purpose=purpose)
        outcome = guard.refused or _check(guard, normalized, now=now, purpose=purpose)
    if isinstance(outcome, MfaError):
        raise outcome
    return outcome


def _check(guard: lockout.Guard, code: str, *, now: int, purpose: str) -> int | MfaError:
    """Claim ``code`` under the guard's lock: the unused codes left, or the error once it is recorded."""
    user, request = guard.user, guard.request
    if codes.claim(user, code, moment=as_datetime(now)):
        cleared = guard.succeeded()
        left = codes.remaining(user)
        events.record(events.RECOVERY_CODE_USED, actor=user, subject=user, request=request,
                      purpose=purpose, remaining=left, cleared_lockout=cleared)
        if purpose == SIGNIN:
            notices.notify(user, "recovery_code_used", request=request, now=now, remaining=left)
        return left
    if codes.was_used(user, code):
        # Right once and used up, like a replayed TOTP code: refused, but no guess.
        return guard.not_counted(UsedRecoveryCodeError())
    return guard.failed(InvalidRecoveryCodeError())


def regenerate_recovery_codes(user, *, now: int, request=None, end_other_sessions: bool = False) -> list[str]:
    """Void the user's recovery codes and issue ``codes.COUNT`` new ones; returns them
    (``xxxxx-xxxxx``) to show once, and e-mail the user a notice after the commit. With
    ``end_other_sessions``, every other session of the user ends in the same transaction (``request``'s stays,
    under a new key; audited ``account.sessions_ended``). Raises NoAuthenticatorError when MFA is not set up."""
    with transaction.atomic():
        # Locking the authenticator row serializes two regenerations of one user.
        authenticator = (Authenticator.objects.select_for_update()
                         .filter(user=user, confirmed_at__isnull=False).first())
        if authenticator is None:
            raise NoAuthenticatorError("Set up an authenticator app first: recovery codes come with it.")
        issued = codes.issue(user, moment=as_datetime(now))
        events.record(events.RECOVERY_CODES_GENERATED, actor=user, subject=user, request=request,
                      count=len(issued), reason="regenerated")
        if end_other_sessions:
            sessions.end_sessions(user, actor=user, by=sessions.BY_USER, request=request)
        notices.notify(user, "recovery_codes_regenerated", request=request, now=now)
    return issued


def remaining_recovery_codes(user) -> int:
    """How many unused recovery codes ``user`` has."""
    return codes.remaining(user)
