"""Throttling and lockout of wrong verification codes, kept in the Authenticator row.

The state lives in the database (``failed_attempts``, ``throttled_until``, ``locked_at``), so every app
server sees the same counter; ``twostep.mfa.services.verify_code`` reads and updates it under the row
lock of the verification itself. The schedule is ``twostep.mfa.throttling``'s: after 5 consecutive wrong
codes the next try waits 30 s, doubling to 15 minutes; the 100th consecutive wrong code locks MFA until
``clear_lockout`` (support reset or a recovery code). A correct code resets the counter.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from twostep.mfa.conf import app_settings
from twostep.mfa.models import Authenticator


@dataclass(frozen=True)
class LockState:
    """``locked``: no code is checked until support or a recovery code clears it; else ``retry_after``
    seconds until the next code may be checked (0: now)."""

    locked: bool = False
    retry_after: int = 0

    @property
    def refuses(self) -> bool:
        return self.locked or self.retry_after > 0


def state_of(authenticator: Authenticator, *, now: int) -> LockState:
    """The throttling state of ``authenticator`` at ``now`` (Unix seconds)."""
    if authenticator.locked_at is not None:
        return LockState(locked=True)
    until = authenticator.throttled_until
    if until is None:
        return LockState()
    return LockState(retry_after=max(math.ceil(until.timestamp()) - now, 0))


def status_for(user, *, now: int) -> LockState:
    """The state of the user's confirmed authenticator (not locked, no wait when there is none)."""
    authenticator = Authenticator.objects.filter(user=user, confirmed_at__isnull=False).first()
    return state_of(authenticator, now=now) if authenticator else LockState()


def count_failure(authenticator: Authenticator, *, now: int) -> LockState:
    """Add one consecutive wrong code and save the row; returns the state it leaves.

    Call it with the row locked (``select_for_update``) inside the verification's transaction.
    """
    conf = app_settings()
    authenticator.failed_attempts += 1
    if authenticator.failed_attempts >= conf.code_lock_after:
        authenticator.locked_at = datetime.fromtimestamp(now, tz=UTC)
        authenticator.throttled_until = None
    else:
        wait = conf.schedule.backoff_seconds(authenticator.failed_attempts)
        authenticator.throttled_until = datetime.fromtimestamp(now + wait, tz=UTC) if wait else None
    authenticator.save(update_fields=["failed_attempts", "throttled_until", "locked_at"])
    return state_of(authenticator, now=now)


def clear_lockout(authenticator: Authenticator) -> None:
    """Forget the wrong codes: no wait, not locked, counter at 0 (saved).

    For a support reset that keeps the authenticator, or a used recovery code: call it inside that
    use case's transaction, which writes its own audit event.
    """
    Authenticator.objects.filter(pk=authenticator.pk).update(failed_attempts=0, throttled_until=None,
                                                             locked_at=None)
    authenticator.failed_attempts, authenticator.throttled_until, authenticator.locked_at = 0, None, None
