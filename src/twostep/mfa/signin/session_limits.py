"""How long a signed-in session lasts: an idle timeout and an absolute lifetime (ASVS 7.3.1, 7.3.2).

Each session keeps, in itself, when it signed in (``SIGNED_IN_AT``) and when it was last used (``SEEN_AT``),
both in Unix seconds of the injected clock (``twostep.clock.now``). The state lives in the session row, so
every app server applies the same limits. ``SessionLimitsMiddleware`` signs a session out at its first request
more than ``TWOSTEP_SESSION_IDLE_TIMEOUT`` seconds after its previous one, or more than
``TWOSTEP_SESSION_MAX_AGE`` seconds after its sign-in, and says why on the sign-in page. A session signed in
before these stamps existed is stamped at its next request (counted from then).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from twostep.clock import now as clock_now
from twostep.mfa.conf import app_settings
from twostep.mfa.enforcement import ALWAYS_ALLOWED_PREFIXES

SIGNED_IN_AT = "twostep_signed_in_at"
SEEN_AT = "twostep_seen_at"


def describe_duration(seconds: int) -> str:
    """A limit for people: "12 hours", "30 minutes", "90 seconds" (the largest unit that divides it)."""
    if seconds % 3600 == 0:
        count, name = seconds // 3600, "hour"
    elif seconds % 60 == 0:
        count, name = seconds // 60, "minute"
    else:
        count, name = seconds, "second"
    return f"{count} {name}{'' if count == 1 else 's'}"


def stamp_sign_in(sender=None, *, request, **kwargs) -> None:
    """``user_logged_in`` receiver: the session's lifetime and idle time start now."""
    now = clock_now()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def why_ended(session, *, now: int) -> str | None:
    """Why the signed-in ``session`` is over at ``now`` (the message for the user), or None while it lasts.
    Past both limits, the one reached first is the reason."""
    limits = app_settings()
    deadlines = []
    if session.get(SIGNED_IN_AT) is not None:
        deadlines.append((session[SIGNED_IN_AT] + limits.session_max_age,
                          f"after {describe_duration(limits.session_max_age)}; sign in again."))
    if session.get(SEEN_AT) is not None:
        deadlines.append((session[SEEN_AT] + limits.session_idle_timeout,
                          f"after {describe_duration(limits.session_idle_timeout)} without activity; sign in again."))
    passed = sorted(deadline for deadline in deadlines if now > deadline[0])
    return f"For your security, you were signed out {passed[0][1]}" if passed else None


def touch(session, *, now: int) -> None:
    """Record a request of the session at ``now``; stamps a session that has no sign-in time yet."""
    session.setdefault(SIGNED_IN_AT, now)
    if session.get(SEEN_AT) != now:
        session[SEEN_AT] = now


class SessionLimitsMiddleware:
    """After authentication and messages: ends a signed-in session past either limit, else marks it used."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.check(request) or self.get_response(request)

    def check(self, request):
        # Not on the This wasn't me pages: signing out there would drop the link's token from the session.
        # path_info, not path: SCRIPT_NAME (a header a proxy may pass on) must not pick what is exempt.
        if request.path_info.startswith(ALWAYS_ALLOWED_PREFIXES) or not request.user.is_authenticated:
            return None
        now = clock_now()
        reason = why_ended(request.session, now=now)
        if reason is None:
            touch(request.session, now=now)
            return None
        logout(request)  # this session only: the user's other sessions keep their own clocks
        messages.info(request, reason)
        return to_sign_in(request)


def to_sign_in(request):
    """The sign-in page, coming back afterwards to the page that was asked for (GET and HEAD only)."""
    url = reverse("mfa:signin")
    if request.method in ("GET", "HEAD") and request.path != url:
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
    return redirect(url)
