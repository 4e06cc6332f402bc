"""The step-up page: confirm it is you (password and a fresh code) before a sensitive change."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from twostep.audit import events
from twostep.mfa import journey, lockout, services, stepup
from twostep.mfa.conf import now as clock_now
from twostep.mfa.forms import StepUpForm
from twostep.mfa.models import Authenticator
from twostep.mfa.throttling import describe_wait
from twostep.mfa.views import refusals


@method_decorator([never_cache, login_required, sensitive_post_parameters("password", "code")], name="dispatch")
class StepUpView(View):
    template_name = "mfa/stepup.html"

    def form(self, request, data=None) -> StepUpForm:
        with_code = Authenticator.objects.filter(user=request.user, confirmed_at__isnull=False).exists()
        return StepUpForm(request.user, data, with_code=with_code, request=request, now=clock_now())

    def get(self, request):
        lock = lockout.status_for(request.user, now=clock_now())
        if lock.locked:
            return refusals.locked(request, user=request.user, pending=False)
        wait = describe_wait(lock.retry_after) if lock.retry_after else ""
        return render(request, self.template_name, {"form": self.form(request), "wait": wait,
                                                    "next": request.GET.get("next", "")})

    def post(self, request):
        form = self.form(request, request.POST)
        next_url = journey.safe_next(request, request.POST.get("next")) or "/"
        if form.is_valid() and "code" in form.fields:
            try:
                services.verify_code(request.user, form.cleaned_data["code"], now=clock_now(), request=request)
            except services.LockedError:
                self.record_failure(request, reason="locked")
                return refusals.locked(request, user=request.user, pending=False)
            except services.MfaError as exc:
                form.retry_after = exc.retry_after if isinstance(exc, services.ThrottledError) else 0
                form.add_error("code", exc.message)
        if not form.is_valid():
            return self.refused(request, form, next_url)
        stepup.mark(request, now=clock_now())
        events.record(events.STEP_UP, actor=request.user, subject=request.user, request=request)
        return redirect(next_url)

    def refused(self, request, form, next_url: str):
        context = {"form": form, "next": next_url}
        if form.retry_after:
            self.record_failure(request, reason="throttled")
            return refusals.throttled(request, self.template_name, context, form.retry_after)
        self.record_failure(request, reason="invalid")
        return render(request, self.template_name, context, status=400)

    @staticmethod
    def record_failure(request, *, reason: str) -> None:
        events.record(events.STEP_UP, actor=request.user, subject=request.user, request=request,
                      outcome="failure", reason=reason)
