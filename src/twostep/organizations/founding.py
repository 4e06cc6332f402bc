"""Founding an organization with its first admin (``twostep create-organization``).

The admin is an existing user, made admin at once, or an e-mail address invited as admin: the invitee
chooses a password through the invitation link, and MFA setup follows at sign-in when required.
"""


from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from twostep.accounts.addresses import canonical_email
from twostep.audit import events
from twostep.clock import as_datetime
from twostep.errors import ServiceError
from twostep.organizations.invitations import invite_member
from twostep.organizations.models import Invitation, Membership, Organization
from twostep.organizations.signals import changed_facts


class SlugTakenError(ServiceError):
    code = "slug_taken"
    message = "An organization with this slug exists already."


def create_organization(*, name: str, slug: str, admin_email: str, actor, now: int) -> Membership | Invitation:
    """Create the organization and its first admin in one transaction; ``now`` in Unix seconds, ``actor``
    a user or a label (audited). Returns the admin's Membership (existing user) or the Invitation mailed to
    ``admin_email``. Raises SlugTakenError, AddressError (refused by ``canonical_email``) or the errors of
    ``invite_member`` (LookAlikeAccountError: an account has an address that looks the same); a failed
    invitation e-mail (SMTPException/OSError from the mail backend) propagates and leaves nothing behind."""
    email = canonical_email(admin_email)
    try:
        with transaction.atomic():
            if Organization.objects.filter(slug=slug).exists():
                raise SlugTakenError()
            organization = Organization.objects.create(name=name, slug=slug,
                                                       created_at=as_datetime(now))
            user = get_user_model()._default_manager.filter(email=email).first()
            if user is None:
                _record_created(organization, actor=actor, user=None, email=email)
                return invite_member(organization, email=email, role=Membership.Role.ADMIN, actor=None, now=now)
            with changed_facts(user) as changes:
                admin = Membership.objects.create(user=user, organization=organization, role=Membership.Role.ADMIN,
                                                  created_at=organization.created_at)
            _record_created(organization, actor=actor, user=user, email=email, **changes)
            return admin
    except IntegrityError as exc:  # the same slug committed in between
        raise SlugTakenError() from exc


def _record_created(organization, *, actor, user, email: str, **changes) -> None:
    events.record(events.ORG_CREATED, actor=actor, subject=user, organization=organization,
                  slug=organization.slug, admin_email=email, admin="existing user" if user else "invited", **changes)
