"""Ending a user's sessions everywhere (sign-out, MFA reset, password change, staff and operators).

Every session carries an HMAC of the user's password hash and ``session_epoch``, which Django's
authentication middleware checks on each request. Raising the epoch makes every existing session
anonymous at its next request, on every app server, without a lookup table of sessions.
"""

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.db import transaction
from django.db.models import F

from twostep.audit import events

ALL, OTHERS = "all", "others"  # the scope of account.sessions_ended
BY_USER, BY_STAFF, BY_OPERATOR = "user", "staff", "operator"  # who asked, in account.sessions_ended


def end_all_sessions(user) -> None:
    """End every session of ``user`` (each becomes signed out at its next request)."""
    # Not type(user): request.user is a lazy proxy whose type has no manager.
    get_user_model()._default_manager.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def end_other_sessions(request, user) -> None:
    """End every session of ``user`` except the one making ``request``, which stays signed in under a new key."""
    end_all_sessions(user)
    update_session_auth_hash(request, user)


def end_sessions_but_this(user, request=None) -> str:
    """End every session of ``user`` but the one of ``request`` when it is one of ``user``'s (it stays signed in
    under a new key); returns the scope, ``OTHERS`` or ``ALL``."""
    own = (request is not None and hasattr(request, "session")
           and getattr(getattr(request, "user", None), "pk", None) == user.pk)
    if own:
        end_other_sessions(request, user)
        return OTHERS
    end_all_sessions(user)
    return ALL


def end_sessions(user, *, actor, by: str, request=None) -> str:
    """End the sessions of ``user`` (``end_sessions_but_this``) and audit ``account.sessions_ended`` (``scope``,
    ``by``), in one transaction; returns the scope.

    ``actor`` is a user or a label such as ``operator (command line)``; ``by`` is ``BY_USER``, ``BY_STAFF`` or
    ``BY_OPERATOR``.
    """
    with transaction.atomic():
        scope = end_sessions_but_this(user, request)
        events.record(events.SESSIONS_ENDED, actor=actor, subject=user, request=request, scope=scope, by=by)
    return scope
