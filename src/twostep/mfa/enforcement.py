"""Middleware: keeps a session on its MFA step and nothing else.

- A pending sign-in (password done, code not yet) may see only its step, sign-out and static files;
  every other URL redirects to the step. An expired one is sent back to the password (and, if it had a
  wrong code, the user is told: ``password_notice``).
- A signed-in session that has not passed a code while the policy now requires one (the organization
  switched *Require MFA* on after it signed in, or the user became an admin of an organization) is turned
  into a pending sign-in at setup or code (or, for an account on hold, signed out onto the hold page).
- The *This wasn't me* pages are open to every session, whatever step it owes: the owner may be
  half-way through a sign-in, or locked out.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.mfa import policy, refusals
from twostep.mfa.disown import holds
from twostep.mfa.signin import journey, password_notice, pending

# The views a pending sign-in may reach at each stage (sign-out, i.e. cancel, at any stage).
STAGE_VIEWS = {pending.SETUP: {"mfa:setup_mailbox", "mfa:setup", "mfa:setup_confirm"},
               pending.CODE: {"mfa:code", "mfa:recovery"}}
ANY_STAGE_VIEWS = {"mfa:signout"}
# /demo/mailbox/ exists only in the demo, for loopback browsers: a pending sign-in reads its setup code there.
ALWAYS_ALLOWED_PREFIXES = ("/static/", "/healthz", "/readyz", "/favicon.ico", "/mfa/not-me/", "/demo/mailbox/")


class MfaEnforcementMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # path_info, not path: SCRIPT_NAME (a header a proxy may pass on) must not pick what is exempt.
        if request.path_info.startswith(ALWAYS_ALLOWED_PREFIXES):
            return self.get_response(request)
        return self.enforce(request) or self.get_response(request)

    def enforce(self, request):
        now = clock_now()
        if pending.raw(request):
            return self._keep_on_step(request, now)
        user = request.user
        if user.is_authenticated and request.session.get(journey.MFA_VERIFIED_AT) is None:
            if policy.mfa_required(user, moment=as_datetime(now)):
                logout(request)
                try:
                    url = journey.require_second_step(request, user, now=now)
                except holds.AccountOnHoldError:
                    return refusals.on_hold(request, user=user)
                messages.info(request, _caught_message(user))
                return redirect(url)
        return None

    def _keep_on_step(self, request, now: int):
        if pending.expired(request, now=now):  # before load() clears it: wrong codes in it tell the user
            password_notice.abandoned(request, reason=password_notice.EXPIRED, now=now)
        state = pending.load(request, now=now)
        if state is None:
            messages.warning(request, "Your sign-in took too long or was interrupted. Please sign in again.")
            return redirect("mfa:signin")
        match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
        allowed = STAGE_VIEWS.get(state.stage, set()) | ANY_STAGE_VIEWS
        if match is not None and match.view_name in allowed:
            request.pending_sign_in = state
            return None
        return redirect(journey.stage_url(state.stage))


def _caught_message(user) -> str:
    """What a caught session is told: its organization switched *Require MFA* on, or another reason of the
    rule (an admin under ``TWOSTEP_MFA_REQUIRED_FOR=admins``) applies now."""
    reason = policy.reason(user)
    if reason is None or policy.requiring_names(user):
        return "Your organization now requires multi-factor authentication."
    return reason


def _resolve(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None
