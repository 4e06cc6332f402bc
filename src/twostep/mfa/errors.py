"""The base of MFA's errors and the two refusals of the shared back-off (``twostep.mfa.lockout``).

Kept apart from ``services`` so that ``lockout``, which every second factor calls, needs nothing above it;
``services`` re-exports them.
"""

from twostep.accounts.backoff import describe_wait
from twostep.errors import ServiceError


class MfaError(ServiceError):
    """``retry_after``: seconds before the next try of any second factor is checked (0: now)."""

    code = "mfa_error"
    message = "Multi-factor authentication failed."
    retry_after = 0


class ThrottledError(MfaError):
    """Too many wrong codes in a row: no second factor is checked for ``retry_after`` seconds."""

    code = "throttled"

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"Too many wrong codes. For your security, wait {describe_wait(retry_after)} "
                         "before you try again.")


class LockedError(MfaError):
    """The 100th wrong code in a row: no second factor is checked (not even a recovery code) until support
    resets MFA."""

    code = "locked"
    message = ("Sign-in with a second factor is locked after too many wrong codes. Contact your organization's "
               "support desk: they can reset multi-factor authentication after checking who you are.")
