"""The support console: find a user, see their MFA picture, reset their MFA, issue a temporary access pass
(lifting a hold is in hold_views). Who may act on whom is decided by ``services.refusal``; the pages only show
its answer and audit a refusal."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_safe

from twostep.audit.denials import record_denial
from twostep.clock import now as clock_now
from twostep.mfa.conf import app_settings
from twostep.mfa.disown import holds
from twostep.mfa.recovery.reset import NothingToResetError, ReasonRequiredError, has_factors
from twostep.mfa.refusals import form_error
from twostep.mfa.staff.identity import IdentityCheckRequiredError
from twostep.support import lookup, services
from twostep.support.access import support_required
from twostep.support.forms import IssueAccessPassForm, ResetAndLiftForm, ResetForm, SearchForm

PAGE_SIZE = 20


def refused_page(view, request, target, action: str, form=None):
    """The 403 page when the signed-in support user may not take ``action`` on ``target`` (audited
    ``access.denied`` with the refusal's code as the rule), or None when they may. ``form`` (a POST's) shows the
    reason as its error (under the refusal's code); without one the page shows it in place of the form."""
    refused = services.refusal(request.user, target, action)
    if refused is None:
        return None
    record_denial(request, rule=refused.code, subject=target)
    if form is None:
        return view.render(request, target, None, refusal=refused, status=403)
    form_error(form, None, refused)
    return view.render(request, target, form, status=403)


@never_cache
@support_required
@require_safe
def search(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(lookup.find_users(query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "support/search.html", {"form": form, "query": query, "page": page},
                  status=200 if form.is_valid() else 400)


def target_user(pk: int):
    return get_object_or_404(get_user_model(), pk=pk)


@never_cache
@support_required
@require_safe
def user_detail(request, pk: int):
    target = target_user(pk)
    pass_refusal = services.access_pass_refusal(request.user, target)
    return render(request, "support/user.html", {
        "dossier": lookup.dossier(target, now=clock_now()),
        "refusal": services.refusal(request.user, target, services.RESET),
        "hold_refusal": services.refusal(request.user, target, services.LIFT_HOLD),
        "pass_refusal": pass_refusal,
        "pass_form": None if pass_refusal else IssueAccessPassForm(),
        "pass_lifetime": lookup.duration(app_settings().access_pass_lifetime)})


@method_decorator([never_cache, csrf_protect, support_required], name="dispatch")
class ResetView(View):
    """GET: what a reset does and the form; POST: reset with a mandatory reason."""

    template_name = "support/reset.html"

    def get(self, request, pk: int):
        """The form, or instead the reason a reset is refused (own account: 403; nothing to reset)."""
        target = target_user(pk)
        if refused := refused_page(self, request, target, services.RESET):
            return refused
        if not has_factors(target):
            return self.render(request, target, None, refusal=NothingToResetError())
        return self.render(request, target, reset_form(target))

    def post(self, request, pk: int):
        target = target_user(pk)
        form = reset_form(target, request.POST)
        if refused := refused_page(self, request, target, services.RESET, form):
            return refused
        if not form.is_valid():
            return self.render(request, target, form, status=400)
        try:
            record = services.reset_user_mfa(target, actor=request.user, reason=form.cleaned_data["reason"],
                                             identity_check=form.cleaned_data["identity_check"],
                                             ticket=form.cleaned_data["ticket"], now=clock_now(), request=request,
                                             lift_hold=form.cleaned_data.get("lift_hold", False))
        except services.NotAllowedError as exc:
            form_error(form, None, exc)
            return self.render(request, target, form, status=403)
        except (ReasonRequiredError, IdentityCheckRequiredError) as exc:
            form_error(form, "reason" if isinstance(exc, ReasonRequiredError) else "identity_check", exc)
            return self.render(request, target, form, status=400)
        except NothingToResetError as exc:
            return self.render(request, target, None, refusal=exc, status=400)
        messages.success(request, f"MFA of {target.email} was reset. They were signed out everywhere, were "
                                  "told by e-mail, and will set up an authenticator app at their next sign-in."
                                  + HOLD_AFTER_RESET[(record.hold_lifted, record.on_hold)])
        return redirect("support:user", pk=target.pk)

    def render(self, request, target, form, *, refusal=None, status: int = 200):
        """``refusal``: the ``ServiceError`` shown in place of the form, if any."""
        return render(request, self.template_name, {"target": target, "form": form, "refusal": refusal,
                                                    "hold": holds.active_hold(target)}, status=status)


# What the reset's message adds, by (hold lifted, still on hold).
HOLD_AFTER_RESET = {(False, False): "", (True, False): " The hold on the account was lifted.",
                    (False, True): " The account remains on hold: nobody can sign in to it until the hold is lifted."}


def reset_form(target, data=None) -> ResetForm:
    """The reset form; for an account on hold, with the offer to lift the hold too."""
    return (ResetAndLiftForm if holds.active_hold(target) is not None else ResetForm)(data)
