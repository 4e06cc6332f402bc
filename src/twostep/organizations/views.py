"""The organization's general settings page (admins only). It links to the MFA section by URL name."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from twostep.organizations.access import admin_membership


@login_required
@require_GET
def organization_settings(request, slug: str):
    membership = admin_membership(request.user, slug)
    organization = membership.organization
    members = organization.memberships.select_related("user").order_by("user__email")
    return render(request, "organizations/settings.html", {"organization": organization, "members": members})
