"""Staff pages (the admin site, the support console) need a sign-in that passed a code in this session.

``journey.complete`` stores the time of the accepted code in the session (``journey.MFA_VERIFIED_AT``);
a password-only session never has it. The enforcement middleware already turns a staff session without it
into a pending sign-in; this check is the staff pages' own, so they stay closed even without it.
"""

from functools import wraps

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from twostep.audit.denials import AccessDenied
from twostep.clock import now as clock_now
from twostep.mfa import refusals
from twostep.mfa.disown import holds
from twostep.mfa.signin import journey

NOT_STAFF = "Only staff can open this page."


def mfa_verified(request) -> bool:
    """True when this session's sign-in passed a code (setup or code step)."""
    return request.session.get(journey.MFA_VERIFIED_AT) is not None


def is_verified_staff(request) -> bool:
    user = request.user
    return user.is_authenticated and user.is_active and user.is_staff and mfa_verified(request)


def staff_gate(request, next_url: str):
    """The response for a request that may not see a staff page yet: sign in (anonymous), 403 (not staff),
    or the code/setup step of a new pending sign-in (staff whose session passed no code), then ``next_url``.
    Returns None for verified staff."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(next_url)
    if not (user.is_active and user.is_staff):
        raise AccessDenied(NOT_STAFF, rule="not_staff")
    if not mfa_verified(request):
        logout(request)
        try:
            return redirect(journey.require_second_step(request, user, now=clock_now(), next_url=next_url))
        except holds.AccountOnHoldError:
            return refusals.on_hold(request, user=user)
    return None


def staff_required(view):
    """Decorator for staff pages outside the admin site: see ``staff_gate``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return staff_gate(request, request.get_full_path()) or view(request, *args, **kwargs)

    return wrapper
