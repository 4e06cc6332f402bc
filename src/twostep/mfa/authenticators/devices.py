"""The Security page's list of the account's signed-in sessions (``mfa:sessions``, ``/security/sessions/``).

GET lists the sessions that may still be signed in (browser, IP address, signed in, last seen; this one
marked) and the last sign-ins of the audit trail. POST ends one other session (``session``: the id of one of
the signed-in user's own rows; any other id is a 404) or, with ``others``, every other session; either is
audited ``account.sessions_ended`` and leads back to the list.

The page needs a fresh step-up (ASVS 7.5.2 asks to authenticate again before ending sessions): whoever holds
a stolen session cookie must not be able to sign the owner out everywhere else and keep the account.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from twostep.accounts import sessions, user_sessions
from twostep.accounts.models import UserSession
from twostep.clock import now as clock_now
from twostep.mfa.conf import app_settings
from twostep.mfa.stepup.services import step_up_required

ENDED_ONE = "That session is signed out: the browser or device is signed out at its next request."
ENDED_OTHERS = "Every other session is signed out. This one stays signed in."


@method_decorator([never_cache, csrf_protect, step_up_required], name="dispatch")
class SessionsView(View):
    template_name = "mfa/sessions.html"

    def get(self, request):
        limits = app_settings()
        rows = user_sessions.live(request.user, now=clock_now(), idle_timeout=limits.session_idle_timeout,
                                  max_age=limits.session_max_age)
        return render(request, self.template_name, {
            "sessions": rows, "this_digest": user_sessions.this_digest(request),
            "sign_ins": user_sessions.recent_sign_ins(request.user),
        })

    def post(self, request):
        if "others" in request.POST:
            sessions.end_sessions(request.user, actor=request.user, by=sessions.BY_USER, request=request)
            messages.success(request, ENDED_OTHERS)
            return redirect("mfa:sessions")
        try:
            sessions.end_one_session(request.user, int(request.POST.get("session", "")), request=request)
        except (ValueError, UserSession.DoesNotExist):
            raise Http404("No such session of yours.") from None
        messages.success(request, ENDED_ONE)
        return redirect("mfa:sessions")
