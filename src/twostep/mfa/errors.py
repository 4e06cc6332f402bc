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


# How the audit trail reads the ``reason`` of a refused second factor or step-up (the refusals' ``code``), and
# of the "password used without the code" notice (``signin.password_notice``): "reason: code already used".
AUDIT_REASONS = {
    "invalid_code": "wrong code", "replayed_code": "code already used", "clock_skew": "phone's clock is off",
    "invalid_recovery_code": "wrong recovery code", "used_recovery_code": "recovery code already used",
    "invalid_mailbox_code": "wrong e-mailed code", "mailbox_code_expired": "e-mailed code expired or used up",
    "invalid_access_pass": "wrong temporary access pass", ThrottledError.code: "too many wrong codes, waiting",
    LockedError.code: "locked after too many wrong codes", "invalid": "wrong password or code",
    "invalid_password": "wrong password", "wrong_codes": "wrong codes", "cancelled": "sign-in cancelled",
    "expired": "sign-in expired", "left": "sign-in left unfinished",
}
