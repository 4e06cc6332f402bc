"""The organizations' context words for passwords (``accounts.validators.ContextWordsValidator``): a person's
password may not contain the name or slug of an organization they belong to or are invited to."""

from twostep.accounts.validators import ORGANIZATION
from twostep.organizations.models import Invitation, Organization


def organization_words(user):
    """``(ORGANIZATION, text)`` for the name and slug of each organization of ``user``: their memberships (a
    saved user) and the open invitations to their address (an invitee choosing a first password)."""
    invited = Invitation.objects.filter(email=getattr(user, "email", "") or "", accepted_at__isnull=True,
                                        revoked_at__isnull=True).values("organization_id")
    organizations = Organization.objects.filter(pk__in=invited)
    if getattr(user, "pk", None) is not None:
        organizations = organizations | Organization.objects.filter(memberships__user_id=user.pk)
    for name, slug in organizations.distinct().values_list("name", "slug"):
        yield ORGANIZATION, name
        yield ORGANIZATION, slug
