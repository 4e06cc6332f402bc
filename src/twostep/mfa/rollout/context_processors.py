"""Template context for every page: ``mfa_grace``, the grace-period banner of templates/base.html."""

from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.mfa.rollout.grace import grace_period_for
from twostep.mfa.signin.journey import MFA_VERIFIED_AT

ENROLL_VIEWS = {"mfa:enroll", "mfa:enroll_confirm"}  # the banner's own target: no banner there


def mfa_grace(request) -> dict:
    """``{"mfa_grace": GracePeriod | None}`` for a signed-in user; at most one query, once per request.

    A session that passed a code has an authenticator, so it needs no banner and costs no query."""
    if not hasattr(request, "_twostep_mfa_grace"):
        request._twostep_mfa_grace = _lookup(request)
    return {"mfa_grace": request._twostep_mfa_grace}


def _lookup(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.session.get(MFA_VERIFIED_AT) is not None:
        return None
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in ENROLL_VIEWS:
        return None
    return grace_period_for(user, moment=as_datetime(clock_now()))
