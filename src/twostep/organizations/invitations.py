"""Invitations: an admin invites an e-mail address in a role; the invitee joins through the link.

The link carries 32 random bytes signed with the secret key (a tampered link is refused before any
lookup); the database keeps only their SHA-256. Times are Unix seconds (``now``). Errors are
``InvitationError`` subclasses with a stable ``code``.
"""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from twostep.accounts.addresses import LookAlikeAddressError, canonical_email, comparable_email, email_skeleton
from twostep.audit import events
from twostep.clock import as_datetime
from twostep.errors import ServiceError
from twostep.organizations import conf
from twostep.organizations.models import Invitation, Membership
from twostep.organizations.signals import changed_facts

SALT = "twostep.organizations.invitation"


class InvitationError(ServiceError):
    code = "invitation_error"
    message = "This invitation link cannot be used."


class InvalidInvitationError(InvitationError):
    code = "invalid"
    message = "This invitation link is not valid. Check that you opened the whole link from the e-mail."


class ExpiredInvitationError(InvitationError):
    code = "expired"
    message = "This invitation has expired. Ask an admin of the organization to invite you again."


class UsedInvitationError(InvitationError):
    code = "used"
    message = "This invitation has already been used. Sign in to reach the organization."


class RevokedInvitationError(InvitationError):
    code = "revoked"
    message = "This invitation was withdrawn by an admin of the organization."


class WrongAccountError(InvitationError):
    code = "wrong_account"
    message = "This invitation is for a different e-mail address."


class AlreadyMemberError(InvitationError):
    code = "already_member"
    message = "That person is already a member of this organization."


class SimultaneousInvitationError(InvitationError):
    code = "simultaneous"
    message = "Another admin invited this address at the same moment. Check the open invitations and try again."


class LookAlikeInvitationError(InvitationError):
    code = "look_alike_invitation"
    message = ("An open invitation goes to an address that looks the same. Withdraw it first if it was "
               "the wrong address.")


class LookAlikeAccountError(InvitationError):
    code = "look_alike"
    message = LookAlikeAddressError.message


class AccountExistsError(InvitationError):
    code = "account_exists"
    message = "An account with this e-mail address exists already. Sign in with it to accept the invitation."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    """The absolute URL mailed to the invitee (``TWOSTEP_BASE_URL`` + the signed token)."""
    return conf.absolute_url(reverse("invitations:open", args=[signing.Signer(salt=SALT).sign(token)]))


def _send(organization, *, email: str, role: str, actor, token: str) -> None:
    context = {"organization": organization, "role": Membership.Role(role).label.lower(), "actor": actor,
               "link": invitation_link(token), "lifetime": conf.invitation_lifetime()}
    body = render_to_string("organizations/email/invitation.txt", context)
    EmailMessage(f"Join {organization.name} on twostep", body, to=[email]).send()


def invite_member(organization, *, email: str, role: str, actor, now: int, request=None) -> Invitation:
    """Mail an invitation to ``email`` (made canonical) and record it; an earlier open invitation of that
    address is revoked (its link stops working). Raises AddressError (refused by ``canonical_email``),
    AlreadyMemberError, LookAlikeAccountError (an account has an address that looks the same),
    LookAlikeInvitationError (so has an open invitation of the organization), or SimultaneousInvitationError
    when another admin's invitation of the address was saved in between. The mail goes out before anything is
    written, so a failed send (SMTPException/OSError from the mail backend) leaves no row behind."""
    email = canonical_email(email)
    if organization.memberships.filter(user__email=email).exists():
        raise AlreadyMemberError(f"{email} is already a member of {organization.name}.")
    _refuse_look_alikes(organization, email)
    token = secrets.token_urlsafe(32)
    _send(organization, email=email, role=role, actor=actor, token=token)
    try:
        return _record_invitation(organization, email=email, role=role, actor=actor, token=token, now=now,
                                  request=request)
    except IntegrityError as exc:  # another admin's invitation of the address committed in between
        raise SimultaneousInvitationError() from exc


def _refuse_look_alikes(organization, email: str) -> None:
    """Two addresses a person cannot tell apart never both get an account, nor both an open invitation."""
    account = get_user_model()._default_manager.look_alike(email)
    if account is not None and account.email != email:
        raise LookAlikeAccountError()
    skeleton = email_skeleton(email)
    open_emails = organization.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True) \
        .exclude(email=email).values_list("email", flat=True)
    if any(email_skeleton(other) == skeleton for other in open_emails):
        raise LookAlikeInvitationError()


def _record_invitation(organization, *, email: str, role: str, actor, token: str, now: int, request) -> Invitation:
    with transaction.atomic():
        earlier = Invitation.objects.select_for_update().filter(
            organization=organization, email=email, accepted_at__isnull=True, revoked_at__isnull=True)
        for invitation in earlier:
            _revoke(invitation, actor=actor, now=now, request=request, reason="replaced")
        invitation = Invitation.objects.create(organization=organization, email=email, role=role,
                                               token_hash=_hash(token), invited_by=actor, created_at=as_datetime(now))
        events.record(events.INVITATION_SENT, actor=actor, organization=organization, request=request,
                      invitation_id=invitation.pk, email=email, role=role)
    return invitation


def find_invitation(link_token: str) -> Invitation:
    """The invitation of a signed link token; raises InvalidInvitationError (tampered or unknown)."""
    try:
        token = signing.Signer(salt=SALT).unsign(link_token)
    except signing.BadSignature as exc:
        raise InvalidInvitationError() from exc
    invitation = Invitation.objects.select_related("organization").filter(token_hash=_hash(token)).first()
    if invitation is None:
        raise InvalidInvitationError()
    return invitation


def check_open(invitation: Invitation, *, now: int) -> None:
    """Raise RevokedInvitationError, UsedInvitationError or ExpiredInvitationError unless it is open.

    Open up to and including ``TWOSTEP_INVITATION_MAX_AGE`` seconds after it was sent."""
    if invitation.revoked_at is not None:
        raise RevokedInvitationError()
    if invitation.accepted_at is not None:
        raise UsedInvitationError()
    if now - int(invitation.created_at.timestamp()) > conf.invitation_max_age():
        raise ExpiredInvitationError()


def _claim(invitation: Invitation, user, *, now: int) -> None:
    """Mark it accepted by ``user`` with one conditional UPDATE: of two concurrent acceptances exactly
    one matches the row; the other raises (UsedInvitationError)."""
    oldest = as_datetime(now - conf.invitation_max_age())
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, created_at__gte=oldest,
    ).update(accepted_at=as_datetime(now), accepted_by=user)
    if claimed != 1:
        invitation.refresh_from_db()
        check_open(invitation, now=now)
        raise UsedInvitationError()
    invitation.accepted_at, invitation.accepted_by = as_datetime(now), user


def _join(invitation: Invitation, user, *, now: int, request, new_account: bool) -> Membership:
    _claim(invitation, user, now=now)
    with changed_facts(user) as changes:
        membership, _ = Membership.objects.get_or_create(
            user=user, organization_id=invitation.organization_id,
            defaults={"role": invitation.role, "created_at": as_datetime(now)})
    events.record(events.INVITATION_ACCEPTED, actor=user, subject=user, organization=invitation.organization,
                  request=request, invitation_id=invitation.pk, role=membership.role, new_account=new_account,
                  **changes)
    return membership


def accept_invitation(invitation: Invitation, user, *, now: int, request=None) -> Membership:
    """``user`` (whose e-mail must be the invited one) joins; one transaction. Raises WrongAccountError or
    the errors of ``check_open``. A user who is a member already keeps their role."""
    if comparable_email(user.email) != invitation.email:
        raise WrongAccountError()
    with transaction.atomic():
        return _join(invitation, user, now=now, request=request, new_account=False)


def accept_as_new_user(invitation: Invitation, *, password: str, name: str = "", now: int, request=None):
    """Create the invited account with ``password`` (already validated) and join; one transaction.

    Returns the user, who is *not* signed in: they sign in through the normal journey (and MFA setup).
    Raises AccountExistsError when the address got an account meanwhile, LookAlikeAccountError when an
    address that looks the same did, or the errors of ``check_open``."""
    other = get_user_model()._default_manager.look_alike(invitation.email)
    if other is not None and other.email != invitation.email:
        raise LookAlikeAccountError()
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(invitation.email, password, name=name.strip())
            _join(invitation, user, now=now, request=request, new_account=True)
    except IntegrityError as exc:
        raise AccountExistsError() from exc
    return user


def _revoke(invitation: Invitation, *, actor, now: int, request, reason: str) -> bool:
    revoked = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True,
                                        revoked_at__isnull=True).update(revoked_at=as_datetime(now))
    if revoked:
        events.record(events.INVITATION_REVOKED, actor=actor, organization=invitation.organization,
                      request=request, invitation_id=invitation.pk, email=invitation.email, reason=reason)
    return bool(revoked)


def revoke_invitation(invitation: Invitation, *, actor, now: int, request=None) -> None:
    """Withdraw an open invitation (its link stops working); raises UsedInvitationError when it was
    accepted and RevokedInvitationError when it was withdrawn already."""
    with transaction.atomic():
        if not _revoke(invitation, actor=actor, now=now, request=request, reason="revoked"):
            invitation.refresh_from_db()
            raise UsedInvitationError() if invitation.accepted_at else RevokedInvitationError()

