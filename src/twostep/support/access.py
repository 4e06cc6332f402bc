"""Who may use the support console: staff users holding ``support.reset_mfa``, in a session that
passed a code at sign-in. An organization admin is not support."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from twostep.mfa.journey import MFA_VERIFIED_AT

PERMISSION = "support.reset_mfa"
NOT_SUPPORT = "Only support staff can open the support console."
NO_MFA = "Sign in with multi-factor authentication to use the support console."


def is_support(user) -> bool:
    """True for an active staff user with ``support.reset_mfa`` (superusers have every permission).

    Requiring ``is_staff`` as well keeps support inside the policy's "staff always use MFA" rule.
    """
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.has_perm(PERMISSION))


def support_required(view):
    """Decorator: sign-in page for anonymous users; 403 unless support staff who passed MFA this session."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_support(request.user):
            raise PermissionDenied(NOT_SUPPORT)
        if request.session.get(MFA_VERIFIED_AT) is None:
            raise PermissionDenied(NO_MFA)
        return view(request, *args, **kwargs)

    return wrapper
