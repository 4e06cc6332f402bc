"""Security notices of MFA changes, e-mailed to the user after the commit (see ``accounts.notices``).

Each is one template, ``mfa/email/<name>.txt``; none carries a secret or a code.
"""

from twostep.accounts.notices import schedule

SUBJECTS = {
    "mfa_disabled": "Multi-factor authentication was turned off",
    "mfa_enrolled": "Multi-factor authentication was set up on your account",
    "recovery_codes_regenerated": "New recovery codes were generated for your account",
    "recovery_code_used": "A recovery code was used to sign in to your account",
    "password_without_code": "Someone signed in with your password but did not have your code",
    "hold_lifted": "Your account is no longer on hold",
}


def notify(user, name: str, *, request=None, now: int | None = None, **context) -> None:
    """Schedule the MFA notice ``name`` (a key of ``SUBJECTS``) for ``user``; ``now`` in Unix seconds."""
    schedule(user, f"mfa/email/{name}", SUBJECTS[name], request=request, now=now, **context)
