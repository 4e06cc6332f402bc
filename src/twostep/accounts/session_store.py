"""Django's database session store, kept in step with the user's list of sessions (``accounts.user_sessions``).

``SESSION_ENGINE = "twostep.accounts.session_store"``. A signed-in session loads only while its
``UserSession`` row exists (one query: the row's existence is read with the session), so deleting the row
ends that one session at its next request, on every server, though the row keeps only the key's SHA-256. A new
key (``cycle_key``: ``login``, ``update_session_auth_hash``, step-up) carries the row along; a flush
(sign-out) deletes it; ``clearsessions`` also deletes rows of sessions past their absolute lifetime.
"""

import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.db.models import Exists
from django.utils import timezone

from twostep.accounts import user_sessions
from twostep.accounts.models import UserSession
from twostep.clock import now as clock_now


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        if self.session_key is None:  # Django loads only with a key; say so for the digest
            return None
        recorded = Exists(UserSession.objects.filter(key_digest=user_sessions.digest(self.session_key)))
        try:
            return self.model.objects.annotate(recorded=recorded).get(
                session_key=self.session_key, expire_date__gt=timezone.now())
        except (self.model.DoesNotExist, SuspiciousOperation) as exc:
            if isinstance(exc, SuspiciousOperation):  # as Django's store does
                logging.getLogger(f"django.security.{type(exc).__name__}").warning(str(exc))
            self._session_key = None
            return None

    def load(self):
        row = self._get_session_from_db()
        data = self.decode(row.session_data) if row else {}
        if data.get(SESSION_KEY) is not None and not row.recorded:
            # Ended from another browser (its row deleted): this key signs nobody in any more.
            self.delete(row.session_key)
            self._session_key = None
            return {}
        return data

    def cycle_key(self):
        old, signed_in = self.session_key, self.get(SESSION_KEY) is not None
        super().cycle_key()
        new = self.session_key
        if old and signed_in and new:  # only a signed-in session has a row (not a pending sign-in's)
            user_sessions.follow_key(old, new)

    def flush(self):
        if self.session_key:
            user_sessions.forget(self.session_key)
        super().flush()

    @classmethod
    def clear_expired(cls):
        super().clear_expired()
        user_sessions.prune_expired(now=clock_now(), max_age=settings.SESSION_COOKIE_AGE)
