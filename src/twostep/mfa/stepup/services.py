"""Step-up (re-authentication) before sensitive changes: password and a fresh code.

A successful step-up stamps the session with the time (Unix seconds); ``step_up_required`` lets a view
run only while that stamp is younger than ``TWOSTEP_STEPUP_MAX_AGE`` seconds (default 600). A step-up is a
re-authentication, so it also gives the session a new key (``passed``), like a sign-in does.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from twostep.clock import now as clock_now
from twostep.mfa.conf import app_settings

SESSION_KEY = "twostep_stepup_at"


def max_age() -> int:
    return app_settings().stepup_max_age


def is_fresh(request, *, now: int) -> bool:
    """True when the session stepped up within the last ``max_age()`` seconds."""
    stamp = request.session.get(SESSION_KEY)
    return stamp is not None and 0 <= now - stamp <= max_age()


def mark(request, *, now: int) -> None:
    """Start the step-up window at ``now`` (Unix seconds) without a new key: the sign-in just gave one."""
    request.session[SESSION_KEY] = now


def passed(request, *, now: int) -> None:
    """The step-up page accepted the password (and code): a new session key, and the window starts at ``now``.
    Whoever copied the old key (a cookie seen before the re-authentication) does not get the window."""
    request.session.cycle_key()
    mark(request, now=now)


def url_for(next_path: str) -> str:
    """The step-up page's URL, coming back to ``next_path`` afterwards."""
    return f"{reverse('mfa:stepup')}?{urlencode({'next': next_path})}"


def step_up_required(view):
    """Decorator: send the user to the step-up page (and back to this URL) unless freshly stepped up."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
        if not is_fresh(request, now=clock_now()):
            return redirect(url_for(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper
