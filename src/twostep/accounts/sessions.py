"""Ending a user's sessions everywhere (sign-out, MFA reset, password change).

Every session carries an HMAC of the user's password hash and ``session_epoch``, which Django's
authentication middleware checks on each request. Raising the epoch makes every existing session
anonymous at its next request, on every app server, without a lookup table of sessions.
"""

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.db.models import F


def end_all_sessions(user) -> None:
    """End every session of ``user`` (each becomes signed out at its next request)."""
    # Not type(user): request.user is a lazy proxy whose type has no manager.
    get_user_model()._default_manager.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def end_other_sessions(request, user) -> None:
    """End every session of ``user`` except the one making ``request``, which stays signed in."""
    end_all_sessions(user)
    update_session_auth_hash(request, user)
