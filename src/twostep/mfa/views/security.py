"""The signed-in user's Security page: MFA status, the authenticator, recovery codes, turning MFA off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_safe

from twostep.mfa.models import Authenticator
from twostep.mfa.recovery import codes as recovery_codes
from twostep.mfa.recovery import reset
from twostep.mfa.recovery import services as recovery
from twostep.mfa.stepup import step_up_required


@never_cache
@login_required
@require_safe
def security(request):
    authenticator = Authenticator.objects.filter(user=request.user, confirmed_at__isnull=False).first()
    remaining = recovery.remaining_recovery_codes(request.user)
    return render(request, "mfa/security.html", {
        "authenticator": authenticator,
        "remaining": remaining,
        "low": authenticator is not None and remaining <= recovery_codes.LOW,
        "why_required": reset.why_required(request.user),
    })


@method_decorator([never_cache, csrf_protect, step_up_required], name="dispatch")
class DisableView(View):
    """Turn MFA off: only when no organization of the user requires it and the user is not staff."""

    template_name = "mfa/disable.html"

    def get(self, request):
        why_required = reset.why_required(request.user)
        return render(request, self.template_name, {"why_required": why_required},
                      status=403 if why_required else 200)

    def post(self, request):
        try:
            reset.disable_mfa(request.user, request=request)
        except reset.MfaStillRequiredError as exc:
            return render(request, self.template_name, {"why_required": exc.message}, status=403)
        messages.success(request, "Multi-factor authentication is off. Your authenticator app and recovery codes "
                                  "no longer work for this account. You were signed out everywhere else.")
        return redirect("mfa:security")
