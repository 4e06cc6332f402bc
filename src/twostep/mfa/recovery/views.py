"""Recovery codes on the Security page: generate a new set (shown once, ``pages``), download it. Signing in with
one is a step of the sign-in (``signin.views.RecoverySignInView``).

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
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.mfa.conf import app_settings
from twostep.mfa.errors import MfaError
from twostep.mfa.headers import shows_secret
from twostep.mfa.recovery import services
from twostep.mfa.recovery.codes import COUNT, display, unused
from twostep.mfa.recovery.forms import EndOtherSessionsForm
from twostep.mfa.recovery.pages import show_recovery_codes
from twostep.mfa.stepup.services import step_up_required

DOWNLOAD_NAME = "twostep-recovery-codes.txt"


@method_decorator([never_cache, csrf_protect, step_up_required, shows_secret], name="dispatch")
class RecoveryCodesView(View):
    """GET: how many codes are left and what a new set does; POST: void the old set, show the new one."""

    template_name = "mfa/recovery_codes_new.html"

    def get(self, request):
        return render(request, self.template_name, {"remaining": services.remaining_recovery_codes(request.user),
                                                    "form": EndOtherSessionsForm()})

    def post(self, request):
        form = EndOtherSessionsForm(request.POST)
        end_others = form.is_valid() and form.cleaned_data["end_other_sessions"]
        try:
            codes = services.regenerate_recovery_codes(request.user, now=clock_now(), request=request,
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
    codes = unused(request.user, request.POST.getlist("codes")[:COUNT])
    if not codes:
        messages.error(request, "Those recovery codes are no longer valid. Generate a new set to download it.")
        return render(request, "mfa/recovery_codes_new.html",
                      {"remaining": services.remaining_recovery_codes(request.user), "form": EndOtherSessionsForm()},
                      status=400)
    moment = as_datetime(clock_now())
    lines = [f"{app_settings().issuer} recovery codes for {request.user.email}",
             f"Generated {moment:%Y-%m-%d %H:%M} UTC. Each code works once, in place of a code from your "
             "authenticator app.", "", *(display(code) for code in codes), ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{DOWNLOAD_NAME}"'
    return response
