"""Object-level authorization for organizations, checked on the server for every request."""

from django.core.exceptions import PermissionDenied

from twostep.organizations.models import Membership

NOT_ADMIN = "Only admins of this organization can open its settings."


def admin_membership(user, slug: str) -> Membership:
    """The user's admin membership of the organization ``slug``.

    Raises PermissionDenied (HTTP 403) when the user is not an admin of *that* organization, and
    also when no such organization exists, so the answer does not reveal which slugs exist.
    """
    if not user.is_authenticated:
        raise PermissionDenied(NOT_ADMIN)
    membership = (Membership.objects.select_related("organization")
                  .filter(user=user, organization__slug=slug, role=Membership.Role.ADMIN).first())
    if membership is None:
        raise PermissionDenied(NOT_ADMIN)
    return membership
