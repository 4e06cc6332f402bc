"""Recovery codes in the browser: sign in with one, see a new set once, download it, generate a new set.

A new set is rendered directly as the response of the request that created it (never kept in the
session or put in a URL). The page must not be cached or leak its address: ``shows_secret`` gives it
``no-store`` and ``Referrer-Policy: strict-origin``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from twostep.mfa import journey, lockout, password_notice, pending, recovery, recovery_codes
from twostep.mfa.conf import app_settings
from twostep.mfa.conf import now as clock_now
from twostep.mfa.forms import EndOtherSessionsForm, RecoveryCodeForm
from twostep.mfa.headers import shows_secret
from twostep.mfa.services import LockedError, MfaError, ThrottledError, as_datetime
from twostep.mfa.stepup import step_up_required
from twostep.mfa.throttling import describe_wait
from twostep.mfa.views import refusals

DOWNLOAD_NAME = "twostep-recovery-codes.txt"


def remaining_message(request, left: int) -> None:
    """Tell the user how many recovery codes are left after using one; warn at ``recovery_codes.LOW`` or fewer."""
    if left > recovery_codes.LOW:
        messages.info(request, f"You used a recovery code. {left} recovery codes left.")
        return
    lead = ("You used your last recovery code" if left == 0 else
            f"You used a recovery code. Only {left} recovery code{'' if left == 1 else 's'} left")
    messages.warning(request, format_html(
        '{}: <a href="{}">generate a new set</a> now, and replace your authenticator app if you lost your phone.',
        lead, reverse("mfa:recovery_codes")))


def show_recovery_codes(request, codes: list[str], *, continue_url: str) -> HttpResponse:
    """The page that shows a new set of recovery codes, once. Every view that returns it is decorated
    with ``shows_secret`` (no-store, strict-origin)."""
    return render(request, "mfa/recovery_codes.html", {
        "codes": codes, "continue_url": continue_url, "generated_at": as_datetime(clock_now()),
        "issuer": app_settings().issuer,
    })


@method_decorator([never_cache, csrf_protect, sensitive_post_parameters("recovery_code")], name="dispatch")
class RecoverySignInView(View):
    """At the code step of a sign-in: one of the recovery codes in place of the code from the app. It shares
    the back-off of every second factor of the user: during a wait it answers 429 (nothing checked, none of the
    pending sign-in's tries used), when locked 403."""

    template_name = "mfa/recovery_signin.html"

    def state(self, request):
        state = getattr(request, "pending_sign_in", None) or pending.load(request, now=clock_now())
        return state if state is not None and state.stage == pending.CODE else None

    def get(self, request):
        state = self.state(request)
        if state is None:
            return redirect("mfa:signin")
        lock = lockout.status_for(state.user, now=clock_now())
        if lock.locked:
            return refusals.locked(request, user=state.user, pending=True)
        return render(request, self.template_name, self.context(state, RecoveryCodeForm(), wait=lock.retry_after))

    def post(self, request):
        state = self.state(request)
        if state is None:
            return redirect("mfa:signin")
        form = RecoveryCodeForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(state, form), status=400)
        try:
            left = recovery.use_recovery_code(state.user, form.cleaned_data["recovery_code"], now=clock_now(),
                                              purpose=recovery.SIGNIN, request=request)
        except ThrottledError as exc:  # not a checked code: the pending sign-in's tries stay
            return refusals.throttled(request, self.template_name, self.context(state, form, wait=exc.retry_after),
                                      exc.retry_after)
        except LockedError:
            return refusals.locked(request, user=state.user, pending=True)
        except MfaError as exc:
            return self.wrong_code(request, state, form, exc)
        journey.complete(request, state.user, now=clock_now(), verified=True)
        remaining_message(request, left)
        return redirect(journey.landing(request))

    def wrong_code(self, request, state, form, exc):
        """A wrong recovery code counts toward the pending sign-in's limit, like a wrong code."""
        attempts_left = pending.record_failure(request)
        password_notice.wrong_code(request, state, left=attempts_left, now=clock_now())
        if attempts_left == 0:
            messages.error(request, "Too many wrong codes. For your security, sign in again with your password.")
            return redirect("mfa:signin")
        refusals.form_error(form, "recovery_code", exc)
        context = self.context(state, form, wait=exc.retry_after, attempts_left=attempts_left)
        return render(request, self.template_name, context, status=400)

    @staticmethod
    def context(state, form, *, wait: int = 0, **extra) -> dict:
        return {"state": state, "form": form, "wait": describe_wait(wait) if wait else "", **extra}


@method_decorator([never_cache, csrf_protect, step_up_required, shows_secret], name="dispatch")
class RecoveryCodesView(View):
    """GET: how many codes are left and what a new set does; POST: void the old set, show the new one."""

    template_name = "mfa/recovery_codes_new.html"

    def get(self, request):
        return render(request, self.template_name, {"remaining": recovery.remaining_recovery_codes(request.user),
                                                    "form": EndOtherSessionsForm()})

    def post(self, request):
        form = EndOtherSessionsForm(request.POST)
        end_others = form.is_valid() and form.cleaned_data["end_other_sessions"]
        try:
            codes = recovery.regenerate_recovery_codes(request.user, now=clock_now(), request=request,
                                                       end_other_sessions=end_others)
        except MfaError as exc:
            messages.error(request, exc.message)
            return redirect("mfa:security")
        ended = " You were signed out everywhere else." if end_others else ""
        messages.success(request, f"Your new recovery codes are ready. The old ones no longer work.{ended}")
        return show_recovery_codes(request, codes, continue_url=reverse("mfa:security"))


@never_cache
@login_required
@require_POST
@csrf_protect
@sensitive_post_parameters("codes")
@shows_secret
def download_recovery_codes(request):
    """The shown codes as a .txt file. Only the user's own unused codes are written (the form posts them
    back from the page, so they never appear in a URL and are not kept anywhere)."""
    codes = recovery_codes.unused(request.user, request.POST.getlist("codes")[:recovery_codes.COUNT])
    if not codes:
        messages.error(request, "Those recovery codes are no longer valid. Generate a new set to download it.")
        return render(request, "mfa/recovery_codes_new.html",
                      {"remaining": recovery.remaining_recovery_codes(request.user), "form": EndOtherSessionsForm()},
                      status=400)
    moment = as_datetime(clock_now())
    lines = [f"{app_settings().issuer} recovery codes for {request.user.email}",
             f"Generated {moment:%Y-%m-%d %H:%M} UTC. Each code works once, in place of a code from your "
             "authenticator app.", "", *(recovery_codes.display(code) for code in codes), ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{DOWNLOAD_NAME}"'
    return response
