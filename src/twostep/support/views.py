"""The support console: find a user, see their MFA picture, reset their MFA."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_safe

from twostep.mfa.access_passes import AccessPassReasonRequiredError
from twostep.mfa.conf import app_settings
from twostep.mfa.conf import now as clock_now
from twostep.mfa.headers import shows_secret
from twostep.mfa.reset import NothingToResetError, ReasonRequiredError, has_factors
from twostep.support import lookup, services
from twostep.support.access import support_required
from twostep.support.forms import IssueAccessPassForm, ResetForm, SearchForm

PAGE_SIZE = 20


def refusal(actor, target, action: str = services.RESET) -> str:
    """Why ``actor`` may not take ``action`` on ``target`` (answered with 403), or "" when they may."""
    refused = services.refusal(actor, target, action)
    return refused.message if refused else ""


@never_cache
@support_required
@require_safe
def search(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(lookup.find_users(query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "support/search.html", {"form": form, "query": query, "page": page},
                  status=200 if form.is_valid() else 400)


def _target(pk: int):
    return get_object_or_404(get_user_model(), pk=pk)


@never_cache
@support_required
@require_safe
def user_detail(request, pk: int):
    target = _target(pk)
    pass_refusal = refusal(request.user, target, services.ACCESS_PASS) or services.access_pass_not_needed(target)
    return render(request, "support/user.html", {
        "dossier": lookup.dossier(target, now=clock_now()), "refusal": refusal(request.user, target),
        "pass_refusal": pass_refusal, "pass_form": None if pass_refusal else IssueAccessPassForm(),
        "pass_lifetime": lookup.duration(app_settings().access_pass_lifetime)})


@method_decorator([never_cache, csrf_protect, support_required], name="dispatch")
class ResetView(View):
    """GET: what a reset does and the form; POST: reset with a mandatory reason."""

    template_name = "support/reset.html"

    def get(self, request, pk: int):
        """The form, or instead the reason a reset is refused (own account: 403; nothing to reset)."""
        target = _target(pk)
        if refused := refusal(request.user, target):
            return self.render(request, target, None, refusal=refused, status=403)
        if not has_factors(target):
            return self.render(request, target, None, refusal=NothingToResetError.message)
        return self.render(request, target, ResetForm())

    def post(self, request, pk: int):
        target = _target(pk)
        form = ResetForm(request.POST)
        if refused := refusal(request.user, target):
            form.add_error(None, refused)
            return self.render(request, target, form, status=403)
        if not form.is_valid():
            return self.render(request, target, form, status=400)
        try:
            services.reset_user_mfa(target, actor=request.user, reason=form.cleaned_data["reason"],
                                    ticket=form.cleaned_data["ticket"], now=clock_now(), request=request)
        except services.NotAllowedError as exc:
            form.add_error(None, exc.message)
            return self.render(request, target, form, status=403)
        except ReasonRequiredError as exc:
            form.add_error("reason", exc.message)
            return self.render(request, target, form, status=400)
        except NothingToResetError as exc:
            return self.render(request, target, None, refusal=exc.message, status=400)
        messages.success(request, f"MFA of {target.email} was reset. They were signed out everywhere, were "
                                  "told by e-mail, and will set up an authenticator app at their next sign-in.")
        return redirect("support:user", pk=target.pk)

    def render(self, request, target, form, *, refusal: str = "", status: int = 200):
        return render(request, self.template_name, {"target": target, "form": form, "refusal": refusal},
                      status=status)


@method_decorator([shows_secret, never_cache, csrf_protect, support_required], name="dispatch")
class AccessPassView(View):
    """GET: the form (or why a pass is refused: 403, or not needed); POST: issue a pass with a mandatory
    reason and show it once, on this response only (never stored in clear, never in a URL or a message)."""

    template_name = "support/access_pass.html"

    def get(self, request, pk: int):
        target = _target(pk)
        if refused := refusal(request.user, target, services.ACCESS_PASS):
            return self.render(request, target, None, refusal=refused, status=403)
        if not_needed := services.access_pass_not_needed(target):
            return self.render(request, target, None, refusal=not_needed)
        return self.render(request, target, IssueAccessPassForm())

    def post(self, request, pk: int):
        target = _target(pk)
        form = IssueAccessPassForm(request.POST)
        if refused := refusal(request.user, target, services.ACCESS_PASS):
            form.add_error(None, refused)
            return self.render(request, target, form, status=403)
        if not form.is_valid():
            return self.render(request, target, form, status=400)
        try:
            text, row = services.issue_user_access_pass(target, actor=request.user, now=clock_now(),
                                                        request=request, **form.cleaned_data)
        except services.NotAllowedError as exc:
            form.add_error(None, exc.message)
            return self.render(request, target, form, status=403)
        except AccessPassReasonRequiredError as exc:
            form.add_error("reason", exc.message)
            return self.render(request, target, form, status=400)
        except services.AccessPassNotNeededError as exc:
            return self.render(request, target, None, refusal=exc.message, status=400)
        return render(request, "support/access_pass_issued.html", {
            "target": target, "access_pass": text, "row": row,
            "lifetime": lookup.duration(app_settings().access_pass_lifetime)})

    def render(self, request, target, form, *, refusal: str = "", status: int = 200):
        return render(request, self.template_name, {
            "target": target, "form": form, "refusal": refusal,
            "lifetime": lookup.duration(app_settings().access_pass_lifetime)}, status=status)
