"""One back-off and lockout per user, shared by every second factor.

TOTP codes, recovery codes, the mailbox codes before a first enrollment and temporary access passes (and any
factor added later) count their wrong guesses in the user's one ``FactorThrottle`` row, so the README's bound
(at most 100 guesses a day, and 100 in all until support resets MFA) holds for all of them together, whichever
factor is guessed and however many password steps are taken. A factor's check is one transaction::

    with transaction.atomic():
        guard = lockout.acquire(user, factor=lockout.TOTP, now=now, request=request)
        if guard.refused:                               # ThrottledError or LockedError: nothing is checked
            return guard.refused
        if right:
            guard.succeeded()                           # the count starts again from 0
        elif right_once_already_used:
            return guard.not_counted(ReplayedCodeError())   # refused and audited, but not a guess
        else:
            return guard.failed(InvalidCodeError())     # counted: may start a wait, the 100th locks

``acquire`` locks the row (``SELECT ... FOR UPDATE``; the row is made at the user's first check), so checks on
two app servers take turns and neither checks a guess that the other's failure should have made wait. Take it
before any other row lock of the check (one lock order: no deadlocks). The errors are returned, not raised, so
the caller raises them after the counts and audit events are committed.

The schedule is ``twostep.accounts.backoff``'s: after 5 consecutive wrong codes the next try waits 30 s, doubling
to 15 minutes; the 100th (``TWOSTEP_CODE_LOCK_AFTER``) locks every factor, recovery codes included (a recovery
code checked during a lock would be a guess past the bound), until ``clear`` (support's reset).
"""

import math
from dataclasses import dataclass

from django.db.models import Q

from twostep.audit import events
from twostep.clock import as_datetime
from twostep.mfa.conf import app_settings
from twostep.mfa.errors import LockedError, MfaError, ThrottledError
from twostep.mfa.models import FactorThrottle

# The factor names in the audit events; a new factor picks its own.
TOTP, RECOVERY_CODE, MAILBOX_CODE, ACCESS_PASS = "totp", "recovery_code", "mailbox_code", "access_pass"


@dataclass(frozen=True)
class LockState:
    """``locked``: no second factor is checked until support resets MFA; else ``retry_after`` seconds until
    the next one may be checked (0: now)."""

    locked: bool = False
    retry_after: int = 0

    @property
    def refuses(self) -> bool:
        return self.locked or self.retry_after > 0


def state_of(row: FactorThrottle | None, *, now: int) -> LockState:
    """The state ``row`` (None: no check yet) stands for at ``now`` (Unix seconds)."""
    if row is None:
        return LockState()
    if row.locked_at is not None:
        return LockState(locked=True)
    if row.throttled_until is None:
        return LockState()
    return LockState(retry_after=max(math.ceil(row.throttled_until.timestamp()) - now, 0))


def status_for(user, *, now: int) -> LockState:
    """The state of ``user``'s second factors at ``now``, read without a lock (for pages)."""
    return state_of(FactorThrottle.objects.filter(user=user).first(), now=now)


class Guard:
    """One check of one second factor, holding the lock of the user's row (see ``acquire``).

    ``refused`` is the refusal (ThrottledError or LockedError, already audited ``mfa.throttled``) when nothing
    may be checked, else None; then exactly one of ``succeeded``, ``failed`` or ``not_counted`` records the
    outcome. Every audit event names the ``factor`` and carries ``detail``."""

    def __init__(self, row: FactorThrottle, *, user, factor: str, now: int, request, detail: dict):
        self.row, self.user, self.factor, self.now, self.request, self.detail = row, user, factor, now, request, detail
        self.refused = self._refusal()

    def _refusal(self) -> MfaError | None:
        state = state_of(self.row, now=self.now)
        if not state.refuses:
            return None
        error = LockedError() if state.locked else ThrottledError(state.retry_after)
        self._record(events.CODE_THROTTLED, reason=error.code, retry_after=state.retry_after)
        return error

    def succeeded(self) -> bool:
        """A right factor: the count starts again from 0. True when a wait had been set since the last success."""
        self._checkable()
        began = self.row.throttled_until is not None
        if self.row.failures or began:
            self.row.failures, self.row.throttled_until = 0, None
            self.row.save(update_fields=["failures", "throttled_until"])
        return began

    def failed(self, error: MfaError, **detail) -> MfaError:
        """A wrong guess: count it and audit ``mfa.code_failed`` (reason ``error.code``, ``failures``, and
        ``detail``, e.g. a TOTP code's ``clock_offset``). Returns
        ``error`` with ``retry_after`` set, or LockedError (audited ``mfa.locked``) when this one locks."""
        self._checkable()
        conf, row = app_settings(), self.row
        row.failures += 1
        wait = conf.schedule.backoff_seconds(row.failures)
        locked = row.failures >= conf.code_lock_after
        row.locked_at = as_datetime(self.now) if locked else None
        row.throttled_until = as_datetime(self.now + wait) if wait and not locked else None
        row.save(update_fields=["failures", "throttled_until", "locked_at"])
        self._record(events.CODE_FAILED, reason=error.code, failures=row.failures, **detail)
        if locked:
            self._record(events.MFA_LOCKED, failures=row.failures)
            return LockedError()
        error.retry_after = state_of(row, now=self.now).retry_after
        return error

    def not_counted(self, error: MfaError) -> MfaError:
        """Refuse without counting what is no guess (a code that was right once and is used up, or none to
        compare with): audit ``mfa.code_failed`` (reason ``error.code``) and return ``error``."""
        self._checkable()
        self._record(events.CODE_FAILED, reason=error.code)
        return error

    def _checkable(self) -> None:
        if self.refused is not None:
            raise RuntimeError("a refused try checks nothing: return guard.refused")

    def _record(self, action: str, **detail) -> None:
        events.record(action, actor=self.user, subject=self.user, request=self.request, outcome="failure",
                      **detail, factor=self.factor, **self.detail)


def acquire(user, *, factor: str, now: int, request=None, **detail) -> Guard:
    """Lock ``user``'s row for one check of ``factor`` (TOTP, RECOVERY_CODE, MAILBOX_CODE, ACCESS_PASS or a new
    factor's name) at ``now`` (Unix seconds); ``detail`` goes into every audit event of the check (no secrets).

    Call it inside the check's ``transaction.atomic()``, before any other row lock."""
    row, _ = FactorThrottle.objects.select_for_update().get_or_create(user=user)
    return Guard(row, user=user, factor=factor, now=now, request=request, detail=detail)


def has_failures(user) -> bool:
    """True when ``user`` has wrong codes counted (hence perhaps a wait or the lock): something a reset clears."""
    return FactorThrottle.objects.filter(Q(failures__gt=0) | Q(locked_at__isnull=False), user=user).exists()


def clear(user) -> bool:
    """Forget ``user``'s wrong codes, wait and lock; True when there were any. For support's reset: call it in
    that use case's transaction (which writes its own audit event), before it deletes other rows."""
    row = FactorThrottle.objects.select_for_update().filter(user=user).first()
    if row is None:
        return False
    row.delete()
    return bool(row.failures or row.locked_at)
