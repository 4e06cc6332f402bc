"""An organization admin's MFA settings: the *Require MFA* switch and what it will do."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache

from twostep.mfa import org_policy
from twostep.mfa.conf import now as clock_now
from twostep.mfa.forms import RequireMfaForm
from twostep.mfa.services import as_datetime
from twostep.organizations.access import admin_membership


@method_decorator([never_cache, login_required], name="dispatch")
class OrganizationMfaView(View):
    template_name = "mfa/organization_mfa.html"

    def get(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        policy = org_policy.policy_of(organization)
        form = RequireMfaForm(initial={"require_mfa": policy.required})
        return render(request, self.template_name, self.context(organization, policy, form))

    def post(self, request, slug: str):
        organization = admin_membership(request.user, slug).organization
        form = RequireMfaForm(request.POST)
        if not form.is_valid():
            policy = org_policy.policy_of(organization)
            return render(request, self.template_name, self.context(organization, policy, form), status=400)
        required = form.cleaned_data["require_mfa"]
        org_policy.set_require_mfa(organization, required=required, actor=request.user,
                                   moment=as_datetime(clock_now()), request=request)
        messages.success(request, f"Require MFA is now {'on' if required else 'off'} for {organization.name}.")
        return redirect("mfa:organization", slug=slug)

    def context(self, organization, policy, form) -> dict:
        return {"organization": organization, "policy": policy, "form": form,
                "readiness": org_policy.readiness(organization)}
