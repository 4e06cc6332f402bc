"""The support console's *Issue a temporary access pass*: for a user who cannot receive the e-mail code before
a first MFA setup. The same people may issue a pass as may reset MFA (``services.refusal``)."""

from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from twostep.clock import now as clock_now
from twostep.mfa.conf import app_settings
from twostep.mfa.headers import shows_secret
from twostep.mfa.mailbox.access_passes import AccessPassReasonRequiredError
from twostep.mfa.refusals import form_error
from twostep.support import lookup, services
from twostep.support.access import support_required
from twostep.support.forms import IssueAccessPassForm
from twostep.support.views import refused_page, target_user


@method_decorator([shows_secret, never_cache, csrf_protect, support_required], name="dispatch")
class AccessPassView(View):
    """GET: the form (or why a pass is refused: 403, or not needed); POST: issue a pass with a mandatory
    reason and show it once, on this response only (never stored in clear, never in a URL or a message)."""

    template_name = "support/access_pass.html"

    def get(self, request, pk: int):
        target = target_user(pk)
        if refused := refused_page(self, request, target, services.ACCESS_PASS):
            return refused
        if not_needed := services.access_pass_not_needed(target):
            return self.render(request, target, None, refusal=services.AccessPassNotNeededError(not_needed))
        return self.render(request, target, IssueAccessPassForm())

    def post(self, request, pk: int):
        target = target_user(pk)
        form = IssueAccessPassForm(request.POST)
        if refused := refused_page(self, request, target, services.ACCESS_PASS, form):
            return refused
        if not form.is_valid():
            return self.render(request, target, form, status=400)
        try:
            text, row = services.issue_user_access_pass(target, actor=request.user, now=clock_now(),
                                                        request=request, **form.cleaned_data)
        except services.NotAllowedError as exc:
            form_error(form, None, exc)
            return self.render(request, target, form, status=403)
        except AccessPassReasonRequiredError as exc:
            form_error(form, "reason", exc)
            return self.render(request, target, form, status=400)
        except services.AccessPassNotNeededError as exc:
            return self.render(request, target, None, refusal=exc, status=400)
        return render(request, "support/access_pass_issued.html", {
            "target": target, "access_pass": text, "row": row,
            "lifetime": lookup.duration(app_settings().access_pass_lifetime)})

    def render(self, request, target, form, *, refusal=None, status: int = 200):
        """``refusal``: the ``ServiceError`` shown in place of the form, if any."""
        return render(request, self.template_name, {
            "target": target, "form": form, "refusal": refusal,
            "lifetime": lookup.duration(app_settings().access_pass_lifetime)}, status=status)
