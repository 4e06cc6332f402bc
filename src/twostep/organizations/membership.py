"""Changing who belongs to an organization: role changes and removal, each one audited transaction.

An organization always keeps at least one admin: ``LastAdminError`` (code ``last_admin``) refuses to
demote or remove the last one. Each change locks the organization's row first, so changes to one
organization queue: two admins demoting (or removing) each other at the same moment cannot both succeed,
and cannot deadlock on each other's membership rows either (PostgreSQL would abort one with an error).
"""

from django.db import transaction

from twostep.audit import events
from twostep.errors import ServiceError
from twostep.organizations.models import Membership, Organization
from twostep.organizations.signals import changed_facts


class MembershipError(ServiceError):
    code = "membership_error"
    message = "This change to the membership is not possible."


class LastAdminError(MembershipError):
    code = "last_admin"
    message = ("This is the organization's only admin. Make another member an admin first; an organization "
               "cannot be left without one.")


class NotAMemberError(MembershipError):
    code = "not_a_member"
    message = "This person is no longer a member of the organization: someone removed them meanwhile."


def _locked(membership: Membership) -> Membership:
    """The membership as committed now, read after locking its organization's row (see the module doc);
    raises NotAMemberError when it was removed meanwhile (two admins removing one member at once)."""
    Organization.objects.select_for_update().only("pk").get(pk=membership.organization_id)
    current = (Membership.objects.select_for_update().select_related("user", "organization")
               .filter(pk=membership.pk).first())
    if current is None:
        raise NotAMemberError()
    return current


def _keep_an_admin(membership: Membership) -> None:
    admins = list(Membership.objects.select_for_update()
                  .filter(organization_id=membership.organization_id, role=Membership.Role.ADMIN)
                  .values_list("pk", flat=True))
    if admins == [membership.pk]:
        raise LastAdminError()


def change_role(membership: Membership, *, role: str, actor, request=None) -> Membership:
    """Give the member ``role`` ("admin" or "member"); raises LastAdminError or NotAMemberError. No change,
    no event. The event's detail says when the change altered a fact of ``signals.membership_facts``
    (``mfa_required: true`` for an admin who must now use MFA)."""
    with transaction.atomic():
        current = _locked(membership)
        if current.role == role:
            return current
        if current.role == Membership.Role.ADMIN:
            _keep_an_admin(current)
        before, current.role = current.role, role
        with changed_facts(current.user) as changes:
            current.save(update_fields=["role"])
        events.record(events.MEMBER_ROLE_CHANGED, actor=actor, subject=current.user,
                      organization=current.organization, request=request, before=before, after=role, **changes)
    return current


def remove_member(membership: Membership, *, actor, request=None) -> None:
    """Remove the member from the organization (their account stays); raises LastAdminError or
    NotAMemberError."""
    with transaction.atomic():
        current = _locked(membership)
        if current.role == Membership.Role.ADMIN:
            _keep_an_admin(current)
        with changed_facts(current.user) as changes:
            current.delete()
        events.record(events.MEMBER_REMOVED, actor=actor, subject=current.user, organization=current.organization,
                      request=request, role=current.role, **changes)
