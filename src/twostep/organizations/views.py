"""The organization's general settings page and membership management (admins only).

The page links to the MFA section by URL name; this app knows nothing of MFA.
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST, require_safe

from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.organizations import conf, membership
from twostep.organizations.access import admin_membership
from twostep.organizations.forms import RoleForm
from twostep.organizations.models import Membership


def settings_context(organization, **extra) -> dict:
    members = organization.memberships.select_related("user").order_by("user__email")
    invitations = organization.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    return {"organization": organization, "members": members, "invitations": invitations,
            "roles": Membership.Role.choices, "lifetime": conf.invitation_lifetime(),
            "now": as_datetime(clock_now()), **extra}


@never_cache
@login_required
@require_safe
def organization_settings(request, slug: str):
    organization = admin_membership(request.user, slug).organization
    return render(request, "organizations/settings.html", settings_context(organization))


def settings_error(request, organization, message: str):
    """The settings page again with ``message`` at the top (HTTP 400)."""
    return render(request, "organizations/settings.html", settings_context(organization, error=message),
                  status=400)


@never_cache
@login_required
@csrf_protect
@require_POST
def change_member_role(request, slug: str, pk: int):
    organization = admin_membership(request.user, slug).organization
    target = get_object_or_404(Membership.objects.select_related("user"), pk=pk, organization=organization)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return settings_error(request, organization, str(form.errors["role"][0]))
    try:
        changed = membership.change_role(target, role=form.cleaned_data["role"], actor=request.user,
                                         request=request)
    except membership.MembershipError as exc:
        return settings_error(request, organization, exc.message)
    messages.success(request, f"{changed.user.email} is now {changed.get_role_display().lower()} "
                              f"of {organization.name}.")
    if changed.user_id == request.user.pk and not changed.is_admin:
        return redirect("home")  # stepped down: the settings page is no longer theirs
    return redirect("organizations:settings", slug=slug)


@method_decorator([never_cache, login_required, csrf_protect], name="dispatch")
class RemoveMemberView(View):
    """GET asks to confirm; POST removes the member (their account stays)."""

    template_name = "organizations/remove_member.html"

    def target(self, request, slug: str, pk: int) -> Membership:
        organization = admin_membership(request.user, slug).organization
        return get_object_or_404(Membership.objects.select_related("user", "organization"),
                                 pk=pk, organization=organization)

    def get(self, request, slug: str, pk: int):
        return render(request, self.template_name, {"membership": self.target(request, slug, pk)})

    def post(self, request, slug: str, pk: int):
        target = self.target(request, slug, pk)
        try:
            membership.remove_member(target, actor=request.user, request=request)
        except membership.MembershipError as exc:
            return render(request, self.template_name, {"membership": target, "error": exc.message}, status=400)
        messages.success(request, f"{target.user.email} is no longer a member of {target.organization.name}.")
        if target.user_id == request.user.pk:
            return redirect("home")
        return redirect("organizations:settings", slug=slug)
