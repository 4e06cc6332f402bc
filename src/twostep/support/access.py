"""Who may use the support console: staff users holding ``support.reset_mfa``, in a session that
passed a code at sign-in (``twostep.mfa.staff.gate``, shared with the admin site). An organization admin is
not support."""

from functools import wraps

from twostep.audit.denials import AccessDenied
from twostep.mfa.staff.gate import staff_gate

PERMISSION = "support.reset_mfa"
NOT_SUPPORT = "Only support staff can open the support console."


def is_support(user) -> bool:
    """True for an active staff user with ``support.reset_mfa`` (superusers have every permission).

    Requiring ``is_staff`` as well keeps support inside the policy's "staff always use MFA" rule.
    """
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.has_perm(PERMISSION))


def support_required(view):
    """Decorator: the sign-in page for visitors, 403 for signed-in users who are not support staff, and
    the code step (then back here) for support staff whose session has not passed a code."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and not is_support(request.user):
            raise AccessDenied(NOT_SUPPORT, rule="not_support")
        return staff_gate(request, request.get_full_path()) or view(request, *args, **kwargs)

    return wrapper
