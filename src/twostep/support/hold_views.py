"""The support console's *Lift the hold*: after checking the person, support lets an account on hold sign in
again. The same people may lift a hold as may reset MFA (``services.refusal``)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from twostep.clock import now as clock_now
from twostep.mfa.disown import holds
from twostep.mfa.refusals import form_error
from twostep.mfa.staff.identity import IdentityCheckRequiredError
from twostep.support import services
from twostep.support.access import support_required
from twostep.support.forms import LiftHoldForm
from twostep.support.services import lift_user_hold
from twostep.support.views import refused_page, target_user


@method_decorator([never_cache, csrf_protect, support_required], name="dispatch")
class LiftHoldView(View):
    """GET: the hold and the form; POST: lift it with a mandatory note of how the identity was checked."""

    template_name = "support/lift_hold.html"

    def get(self, request, pk: int):
        """The form, or instead why it cannot be used (own or staff account: 403; not on hold)."""
        target = target_user(pk)
        if refused := refused_page(self, request, target, services.LIFT_HOLD):
            return refused
        if holds.active_hold(target) is None:
            return self.render(request, target, None, refusal=holds.NotOnHoldError())
        return self.render(request, target, LiftHoldForm())

    def post(self, request, pk: int):
        target = target_user(pk)
        form = LiftHoldForm(request.POST)
        if refused := refused_page(self, request, target, services.LIFT_HOLD, form):
            return refused
        if not form.is_valid():
            return self.render(request, target, form, status=400)
        try:
            lift_user_hold(target, actor=request.user, reason=form.cleaned_data["reason"],
                           identity_check=form.cleaned_data["identity_check"], ticket=form.cleaned_data["ticket"],
                           now=clock_now(), request=request)
        except (holds.ReasonRequiredError, IdentityCheckRequiredError) as exc:
            form_error(form, "reason" if isinstance(exc, holds.ReasonRequiredError) else "identity_check", exc)
            return self.render(request, target, form, status=400)
        except holds.NotOnHoldError as exc:
            return self.render(request, target, None, refusal=exc, status=400)
        messages.success(request, f"The hold on {target.email} was lifted; they were told by e-mail and can sign in "
                                  "again.")
        return redirect("support:user", pk=target.pk)

    def render(self, request, target, form, *, refusal=None, status: int = 200):
        """``refusal``: the ``ServiceError`` shown in place of the form, if any."""
        return render(request, self.template_name, {"target": target, "form": form, "refusal": refusal,
                                                    "hold": holds.active_hold(target)}, status=status)
