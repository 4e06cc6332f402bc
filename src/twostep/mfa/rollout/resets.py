"""An organization admin resets a member's MFA (as GitLab lets group owners do): the member lost their phone.

The same reset as support's (``recovery.reset.reset_mfa``: factors deleted, lockout lifted, signed out
everywhere, e-mailed, audited ``mfa.reset`` with the admin as actor and the organization), but only where it
cannot weaken anyone else's account: never the admin's own, never a staff account, and only for a member who
belongs to no organization the admin does not administer (an admin of A may not reset a member of A and B whom
B's admins rely on). Everything else is support's (``OutsideAdminReachError`` and the others say so).
"""

from django.db import transaction

from twostep.errors import ServiceError
from twostep.mfa.recovery.reset import Removed, reset_mfa
from twostep.organizations.models import Membership

ASK_SUPPORT = " Ask support to reset it."


class MemberResetRefusedError(ServiceError):
    """This admin may not reset this member's MFA (HTTP 403); support may."""

    code = "member_reset_refused"
    message = "You may not reset the MFA of this account." + ASK_SUPPORT


class NotOrganizationAdminError(MemberResetRefusedError):
    code = "not_organization_admin"
    message = "Only an admin of this organization can reset the MFA of its members."


class NotAMemberError(MemberResetRefusedError):
    code = "not_a_member"
    message = "This account is not a member of this organization."


class OwnAccountError(MemberResetRefusedError):
    code = "own_account"
    message = ("This is your own account: replace your authenticator app on your Security page, or ask support "
               "to reset your MFA.")


class StaffAccountError(MemberResetRefusedError):
    code = "staff_account"
    message = "This is a staff account: only support can reset its MFA." + ASK_SUPPORT


class OutsideAdminReachError(MemberResetRefusedError):
    code = "other_organization"
    message = ("This member also belongs to an organization you do not administer, whose admins rely on their "
               "MFA too: only support can reset it." + ASK_SUPPORT)


def _administered(admin):
    return Membership.objects.filter(user=admin, role=Membership.Role.ADMIN).values("organization_id")


def refusal(organization, admin, member) -> MemberResetRefusedError | None:
    """Why ``admin`` (a user) may not reset the MFA of ``member`` of ``organization``, or None when they may:
    ``NotOrganizationAdminError``, ``NotAMemberError``, ``OwnAccountError``, ``StaffAccountError`` (staff or
    superuser) or ``OutsideAdminReachError`` (the member belongs to an organization ``admin`` does not
    administer)."""
    if not organization.memberships.filter(user=admin, role=Membership.Role.ADMIN).exists():
        return NotOrganizationAdminError()
    if member.pk == admin.pk:
        return OwnAccountError()
    if not organization.memberships.filter(user=member).exists():
        return NotAMemberError()
    if member.is_staff or member.is_superuser:
        return StaffAccountError()
    if Membership.objects.filter(user=member).exclude(organization_id__in=_administered(admin)).exists():
        return OutsideAdminReachError()
    return None


def reset_member_mfa(organization, member, *, admin, reason: str, identity_check: str, now: int,
                     request=None) -> Removed:
    """Reset ``member``'s MFA for ``admin`` of ``organization`` (``now`` in Unix seconds), one transaction in
    which the ``refusal`` is checked again. Raises that refusal, and ``reset_mfa``'s ``ReasonRequiredError``,
    ``IdentityCheckRequiredError`` and ``NothingToResetError``; then nothing changes and no e-mail is sent."""
    with transaction.atomic():
        refused = refusal(organization, admin, member)
        if refused is not None:
            raise refused
        return reset_mfa(member, actor=admin, reason=reason, identity_check=identity_check, now=now,
                         request=request, organization=organization)
