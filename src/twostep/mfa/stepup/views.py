"""The step-up page: confirm it is you (password and a fresh code) before a sensitive change.

A user who lost the phone may give one of their recovery codes instead of the code from the app
(``?method=recovery``); it is used up like at sign-in. Both share the one back-off of the user's second factors
(``lockout``): during a wait neither is checked (HTTP 429), and a lock refuses both (HTTP 403).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from twostep.accounts.backoff import describe_wait
from twostep.audit import events
from twostep.clock import now as clock_now
from twostep.mfa import lockout, refusals
from twostep.mfa.authenticators import services as authenticators
from twostep.mfa.errors import LockedError, MfaError, ThrottledError
from twostep.mfa.models import Authenticator
from twostep.mfa.recovery import services as recovery
from twostep.mfa.recovery.pages import remaining_message
from twostep.mfa.signin import journey
from twostep.mfa.stepup import services
from twostep.mfa.stepup.forms import StepUpForm

RECOVERY = "recovery"


@method_decorator([never_cache, login_required, sensitive_post_parameters("password", "code", "recovery_code")],
                  name="dispatch")
class StepUpView(View):
    template_name = "mfa/stepup.html"

    def form(self, request, data=None) -> StepUpForm:
        digits = (Authenticator.objects.filter(user=request.user, confirmed_at__isnull=False)
                  .values_list("digits", flat=True).first())
        with_code = digits is not None
        use_recovery = with_code and (data or request.GET).get("method") == RECOVERY
        return StepUpForm(request.user, data, with_code=with_code, with_recovery_code=use_recovery,
                          digits=digits or 6, request=request, now=clock_now())

    def get(self, request):
        form = self.form(request)
        lock = lockout.status_for(request.user, now=clock_now())
        if lock.locked and form.second_factor:  # no second factor is checked, a recovery code neither
            return refusals.locked(request, user=request.user, pending=False)
        wait = describe_wait(lock.retry_after) if lock.retry_after and form.second_factor else ""
        return self.render(request, form, request.GET.get("next", ""), wait=wait)

    def post(self, request):
        form = self.form(request, request.POST)
        next_url = journey.safe_next(request, request.POST.get("next")) or "/"
        left, wait = None, 0
        if form.is_valid() and form.second_factor:
            try:
                left = self.check_second_factor(request, form)
            except LockedError:
                self.record_failure(request, reason="locked")
                return refusals.locked(request, user=request.user, pending=False)
            except MfaError as exc:
                throttled = isinstance(exc, ThrottledError)
                form.retry_after, wait = (exc.retry_after, 0) if throttled else (0, exc.retry_after)
                refusals.form_error(form, form.second_factor, exc)
        if not form.is_valid():
            return self.refused(request, form, next_url, wait=wait)
        services.passed(request, now=clock_now())
        events.record(events.STEP_UP, actor=request.user, subject=request.user, request=request)
        if left is not None:
            remaining_message(request, left)
        return redirect(next_url)

    def check_second_factor(self, request, form) -> int | None:
        """Verify the code or use up the recovery code; returns the recovery codes left (None for a code)."""
        if form.second_factor == "code":
            authenticators.verify_code(request.user, form.cleaned_data["code"], now=clock_now(), request=request)
            return None
        return recovery.use_recovery_code(request.user, form.cleaned_data["recovery_code"], now=clock_now(),
                                          purpose=recovery.STEP_UP, request=request)

    def refused(self, request, form, next_url: str, *, wait: int = 0):
        """``wait``: seconds of the wait a wrong code just began (said on the page)."""
        if form.retry_after:
            self.record_failure(request, reason="throttled")
            return refusals.throttled(request, self.template_name, self.context(form, next_url), form.retry_after)
        self.record_failure(request, reason="invalid")
        return self.render(request, form, next_url, status=400, wait=describe_wait(wait) if wait else "")

    @staticmethod
    def record_failure(request, *, reason: str) -> None:
        events.record(events.STEP_UP, actor=request.user, subject=request.user, request=request,
                      outcome="failure", reason=reason)

    def context(self, form, next_url: str, **extra) -> dict:
        method = RECOVERY if form.second_factor == "recovery_code" else ""
        return {"form": form, "next": next_url, "method": method, **extra}

    def render(self, request, form, next_url: str, *, status: int = 200, **extra):
        return render(request, self.template_name, self.context(form, next_url, **extra), status=status)
