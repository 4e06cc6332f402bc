"""Object-level authorization for organizations, checked on the server for every request."""

from twostep.audit.denials import AccessDenied
from twostep.organizations.models import Membership, Organization

NOT_ADMIN = "Only admins of this organization can open its settings."


def admin_membership(user, slug: str) -> Membership:
    """The user's admin membership of the organization ``slug``.

    Raises AccessDenied (HTTP 403, audited ``access.denied`` for the organization when it exists) when the user
    is not an admin of *that* organization, and also when no such organization exists, so the answer does not
    reveal which slugs exist.
    """
    membership = None
    if user.is_authenticated:
        membership = (Membership.objects.select_related("organization")
                      .filter(user=user, organization__slug=slug, role=Membership.Role.ADMIN).first())
    if membership is None:
        raise AccessDenied(NOT_ADMIN, rule="not_organization_admin",
                           organization=Organization.objects.filter(slug=slug).first())
    return membership
