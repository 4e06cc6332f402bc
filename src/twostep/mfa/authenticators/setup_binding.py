"""Which session an unconfirmed authenticator belongs to.

A setup (``enrollment.start_enrollment``) is bound to the session that began it: the session keeps a random
nonce (``SESSION_KEY``), the row keeps only its SHA-256 (``Authenticator.setup_binding``). Two tabs of one
session share the nonce and so the setup; any other session — an attacker's with the same password
included — holds another nonce, and starting a setup there discards this one. The nonce dies with the
session (sign-out flushes it; a password change, a reset or raising the session epoch ends the session).
"""

import hashlib
import secrets

SESSION_KEY = "twostep_setup_nonce"


def binding(request) -> str:
    """The SHA-256 (64 hex characters) of this session's setup nonce, creating the nonce on first use."""
    nonce = request.session.get(SESSION_KEY)
    if not nonce:
        nonce = secrets.token_hex(32)
        request.session[SESSION_KEY] = nonce
    return hashlib.sha256(nonce.encode()).hexdigest()


def existing(request) -> str | None:
    """This session's binding, or None when it never began a setup (creates nothing)."""
    nonce = request.session.get(SESSION_KEY)
    return hashlib.sha256(nonce.encode()).hexdigest() if nonce else None


def forget(request) -> None:
    """Drop the nonce (the setup was confirmed or discarded)."""
    request.session.pop(SESSION_KEY, None)
