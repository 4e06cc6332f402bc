"""The step-up page: confirm it is you (password and a fresh code) before a sensitive change."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from twostep.audit import events
from twostep.mfa import journey, services, stepup
from twostep.mfa.conf import now as clock_now
from twostep.mfa.forms import StepUpForm
from twostep.mfa.models import Authenticator


@method_decorator([never_cache, login_required, sensitive_post_parameters("password", "code")], name="dispatch")
class StepUpView(View):
    template_name = "mfa/stepup.html"

    def form(self, request, data=None) -> StepUpForm:
        with_code = Authenticator.objects.filter(user=request.user, confirmed_at__isnull=False).exists()
        return StepUpForm(request.user, data, with_code=with_code)

    def get(self, request):
        return render(request, self.template_name, {"form": self.form(request), "next": request.GET.get("next", "")})

    def post(self, request):
        form = self.form(request, request.POST)
        next_url = journey.safe_next(request, request.POST.get("next")) or "/"
        if form.is_valid() and "code" in form.fields:
            try:
                services.verify_code(request.user, form.cleaned_data["code"], now=clock_now(), request=request)
            except services.MfaError as exc:
                form.add_error("code", exc.message)
        if not form.is_valid():
            events.record(events.STEP_UP, actor=request.user, subject=request.user, request=request,
                          outcome="failure")
            return render(request, self.template_name, {"form": form, "next": next_url}, status=400)
        stepup.mark(request, now=clock_now())
        events.record(events.STEP_UP, actor=request.user, subject=request.user, request=request)
        return redirect(next_url)
