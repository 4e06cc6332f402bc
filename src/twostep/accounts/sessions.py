"""Ending a user's sessions everywhere (sign-out, MFA reset, password change, staff and operators).

Every session carries an HMAC of the user's password hash and ``session_epoch``, which Django's
authentication middleware checks on each request. Raising the epoch makes every existing session
anonymous at its next request, on every app server. The rows of the user's list of sessions
(``accounts.user_sessions``) go in the same step, so the list never shows a session that was ended; one
session alone ends by deleting its row (``end_one_session``).
"""

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.db import transaction
from django.db.models import F

from twostep.audit import events

ALL, OTHERS, ONE = "all", "others", "one"  # the scope of account.sessions_ended
BY_USER, BY_STAFF, BY_OPERATOR = "user", "staff", "operator"  # who asked, in account.sessions_ended


def _raise_epoch(user) -> None:
    # Not type(user): request.user is a lazy proxy whose type has no manager.
    get_user_model()._default_manager.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def _forget_rows(user, *, keep_key: str | None = None) -> None:
    # Imported here: user_sessions imports the models, which import this module.
    from twostep.accounts import user_sessions

    user_sessions.forget_user(user, keep_key=keep_key)


def end_all_sessions(user) -> None:
    """End every session of ``user`` (each becomes signed out at its next request)."""
    _raise_epoch(user)
    _forget_rows(user)


def end_other_sessions(request, user) -> None:
    """End every session of ``user`` except the one making ``request``, which stays signed in under a new key."""
    _raise_epoch(user)
    _forget_rows(user, keep_key=request.session.session_key)
    update_session_auth_hash(request, user)


def end_one_session(user, session_id: int, *, request) -> None:
    """End the one session ``session_id`` (a ``UserSession`` id) of ``user``, not the one making ``request``,
    and audit ``account.sessions_ended`` (scope one, by the user), in one transaction. Raises
    ``UserSession.DoesNotExist`` when the id is not one of the user's other sessions (another user's, say)."""
    from twostep.accounts import user_sessions  # see _forget_rows
    from twostep.accounts.models import UserSession

    with transaction.atomic():
        rows = UserSession.objects.filter(pk=session_id, user_id=user.pk)
        if not rows.exclude(key_digest=user_sessions.this_digest(request)).delete()[0]:
            raise UserSession.DoesNotExist("Not one of the user's other sessions.")
        events.record(events.SESSIONS_ENDED, actor=user, subject=user, request=request, scope=ONE, by=BY_USER)


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
