"""The record of each user's signed-in sessions (``UserSession``): written at sign-in, following the session
key when it changes, gone at sign-out and when ``accounts.sessions`` ends sessions.

A row names its session by the SHA-256 of the key. The session store (``accounts.session_store``) keeps
rows in step with keys and signs out a signed-in session whose row is gone, which is how one session is ended
from another browser without knowing its key. Sessions that end by time (idle timeout, absolute lifetime)
keep their row until their next request signs them out or ``clearsessions`` runs, so ``live`` filters by the
times too.
"""

import hashlib
from dataclasses import dataclass

from twostep.accounts.browsers import browser_name, request_browser
from twostep.accounts.models import UserSession
from twostep.audit import events
from twostep.audit.client import client_address
from twostep.audit.labels import label as action_label
from twostep.audit.models import AuditEvent
from twostep.clock import as_datetime
from twostep.clock import now as clock_now

SEEN_EVERY = 60  # seconds: last seen is written at most this often per session
SEEN_RECORDED = "twostep_seen_recorded"  # in the session: when last seen was last written (Unix seconds)
SIGN_IN_ACTIONS = (events.SIGNIN_SUCCEEDED, events.SIGNIN_FAILED, events.SIGNIN_THROTTLED,
                   events.SIGNIN_ON_HOLD, events.CODE_FAILED)
RECENT_SIGN_INS = 20


def digest(session_key: str) -> str:
    """The SHA-256 (hex) of a session key: what a row keeps instead of the key."""
    return hashlib.sha256(session_key.encode()).hexdigest()


def record_sign_in(sender=None, *, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: the row of the session that just signed in (``login`` gave it a new key)."""
    now = clock_now()
    if request.session.session_key is None:  # login() flushed another user's session: give it its key now
        request.session.save()
    row = UserSession(key_digest=digest(request.session.session_key), user=user, signed_in_at=as_datetime(now),
                      last_seen_at=as_datetime(now), ip_address=client_address(request),
                      browser=request_browser(request)[:100])
    # One statement; a signed-in session signing in again has its row under this key already (cycle_key).
    UserSession.objects.bulk_create([row], update_conflicts=True, unique_fields=["key_digest"], update_fields=[
        "user", "signed_in_at", "last_seen_at", "ip_address", "browser"])
    request.session[SEEN_RECORDED] = now


def follow_key(old_key: str, new_key: str) -> None:
    """The session's key changed (``cycle_key``): its row now names the new key."""
    UserSession.objects.filter(key_digest=digest(old_key)).update(key_digest=digest(new_key))


def forget(session_key: str) -> None:
    """The session with this key was signed out or flushed: its row goes."""
    UserSession.objects.filter(key_digest=digest(session_key)).delete()


def forget_user(user, *, keep_key: str | None = None) -> None:
    """Every row of ``user`` goes (their sessions were ended), but the one of ``keep_key``."""
    rows = UserSession.objects.filter(user_id=user.pk)
    if keep_key:
        rows = rows.exclude(key_digest=digest(keep_key))
    rows.delete()


def seen(request, *, now: int) -> None:
    """Mark the signed-in session of ``request`` used at ``now``, writing its row at most every ``SEEN_EVERY``
    seconds (the time of the last write is kept in the session, so the other requests cost no query)."""
    if now - request.session.get(SEEN_RECORDED, 0) < SEEN_EVERY or not request.session.session_key:
        return
    UserSession.objects.filter(key_digest=digest(request.session.session_key)).update(
        last_seen_at=as_datetime(now))
    request.session[SEEN_RECORDED] = now


class LastSeenMiddleware:
    """After the middleware that may sign a session out: a signed-in session's row gets its last seen time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            seen(request, now=clock_now())
        return self.get_response(request)


def live(user, *, now: int, idle_timeout: int, max_age: int):
    """``user``'s sessions that may still be signed in at ``now``, most recently seen first: signed in at most
    ``max_age`` seconds ago and seen within ``idle_timeout`` seconds (plus ``SEEN_EVERY``, as last seen may lag
    that much). A QuerySet of ``UserSession``."""
    return UserSession.objects.filter(
        user_id=user.pk, signed_in_at__gte=as_datetime(now - max_age),
        last_seen_at__gte=as_datetime(now - idle_timeout - SEEN_EVERY))


def this_digest(request) -> str:
    """The digest of the session making ``request`` ("" without a key)."""
    key = request.session.session_key
    return digest(key) if key else ""


def prune_expired(*, now: int, max_age: int) -> int:
    """Delete rows of sessions signed in more than ``max_age`` seconds before ``now`` (over by their absolute
    lifetime, whatever their last request); returns how many."""
    return UserSession.objects.filter(signed_in_at__lt=as_datetime(now - max_age)).delete()[0]


@dataclass(frozen=True)
class SignInAttempt:
    """One sign-in of the audit trail, for its user: ``what`` (the audit label), ``succeeded``, when, where."""

    what: str
    succeeded: bool
    occurred_at: object
    ip_address: str | None
    browser: str


def recent_sign_ins(user, *, limit: int = RECENT_SIGN_INS) -> list[SignInAttempt]:
    """The last ``limit`` sign-in events about ``user`` (successes, wrong passwords and codes, refusals),
    newest first."""
    rows = AuditEvent.objects.filter(subject_id=user.pk, action__in=SIGN_IN_ACTIONS).order_by(
        "-occurred_at", "-id")[:limit]
    return [SignInAttempt(action_label(row.action), row.outcome == AuditEvent.Outcome.SUCCESS, row.occurred_at,
                          row.ip_address, browser_name(row.user_agent)) for row in rows]
