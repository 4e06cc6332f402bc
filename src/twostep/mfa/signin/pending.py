"""The pending sign-in: between a correct password and a correct code, kept in the session.

The user is *not* signed in while it exists. It holds the user id, the time the password was checked
(Unix seconds), the wrong codes so far and the page to return to, and it is bound to the user's password
hash, so it dies with a password change. At the code step it expires after ``TWOSTEP_PENDING_TIMEOUT``
seconds; at setup after ``TWOSTEP_SETUP_TIMEOUT`` (long enough to install an app). An expired sign-in leaves
the e-mail address behind (``REMEMBERED_EMAIL``) so the sign-in page can fill it in again.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare

from twostep.accounts.models import User
from twostep.mfa.conf import app_settings

SESSION_KEY = "twostep_pending"
REMEMBERED_EMAIL = "twostep_signin_email"
SETUP, CODE = "setup", "code"


@dataclass(frozen=True)
class PendingSignIn:
    user: User
    stage: str  # SETUP or CODE
    started_at: int
    attempts: int
    next_url: str

    @property
    def attempts_left(self) -> int:
        return max(app_settings().pending_max_attempts - self.attempts, 0)

    @property
    def expires_at(self) -> int:
        """Unix seconds after which this sign-in starts over at the password."""
        return self.started_at + timeout(self.stage)


def timeout(stage: str) -> int:
    """Seconds a pending sign-in lives at ``stage``."""
    conf = app_settings()
    return conf.setup_timeout if stage == SETUP else conf.pending_timeout


def _expired(data: dict, now: int) -> bool:
    return now - data["started_at"] > timeout(data["stage"]) or now < data["started_at"]


def begin(request, user, *, stage: str, now: int, next_url: str = "", password_checked: bool = True) -> None:
    """Start a pending sign-in; rotates the session key (the password step is a privilege change).
    ``password_checked`` is False when an already signed-in session is sent to the code step (the password
    was checked at some earlier sign-in), so completing it is not also a step-up.

    A visitor with no stored session has no key anyone could have planted: the session gets a new key
    when it is first saved, which spares writing an empty row and then updating it.
    """
    if request.session.session_key is not None:
        request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "user_id": user.pk, "stage": stage, "started_at": now, "attempts": 0, "next": next_url,
        "auth_hash": user.get_session_auth_hash(), "password_checked": password_checked, "email": user.email,
    }


def raw(request) -> dict | None:
    return request.session.get(SESSION_KEY)


def load(request, *, now: int) -> PendingSignIn | None:
    """The live pending sign-in, or None (absent, expired, or the user changed); expired state is cleared."""
    data = raw(request)
    if not data:
        return None
    if _expired(data, now):
        request.session[REMEMBERED_EMAIL] = data.get("email", "")
        clear(request)
        return None
    user = get_user_model()._default_manager.filter(pk=data["user_id"], is_active=True).first()
    if user is None or not constant_time_compare(data["auth_hash"], user.get_session_auth_hash()):
        clear(request)
        return None
    return PendingSignIn(user, data["stage"], data["started_at"], data["attempts"], data.get("next", ""))


def current(request, *, now: int) -> PendingSignIn | None:
    """The pending sign-in the enforcement middleware loaded for this request, else ``load``'s."""
    return getattr(request, "pending_sign_in", None) or load(request, now=now)


def expired(request, *, now: int) -> bool:
    """True when the session holds a pending sign-in that has run out (it is not cleared here)."""
    data = raw(request)
    return _expired(data, now) if data else False


def record_failure(request) -> int:
    """Count one wrong code; returns the attempts left (0 means the pending sign-in is over)."""
    data = request.session[SESSION_KEY]
    data["attempts"] += 1
    request.session[SESSION_KEY] = data
    left = max(app_settings().pending_max_attempts - data["attempts"], 0)
    if left == 0:
        clear(request)
    return left


def set_stage(request, stage: str) -> None:
    data = request.session[SESSION_KEY]
    data["stage"] = stage
    request.session[SESSION_KEY] = data


def clear(request) -> None:
    request.session.pop(SESSION_KEY, None)
