"""Who is told that an account was put on hold after *This wasn't me*, and what they read.

Support: every active staff user holding ``support.reset_mfa`` (superusers hold every permission) and
``TWOSTEP_SUPPORT_CONTACT`` when it is an e-mail address. Admins: the admins of the user's organizations,
each told which of their organizations the user belongs to. The user is never among them (their mailbox
got the notice; the account may be in other hands). One e-mail per address over one connection, after the
commit (``accounts.notices.send_after_commit``); a mail server failure is logged without the messages and never
undoes the hold.
"""

from collections import defaultdict

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.template.loader import render_to_string

from twostep.accounts.notices import send_after_commit, when
from twostep.mfa.conf import app_settings
from twostep.organizations.models import Membership

# Defined by the support app, which sits above mfa: named here by its string only.
SUPPORT_PERMISSION = "support.reset_mfa"


def _contact_address() -> str:
    contact = (app_settings().support_contact or "").strip().removeprefix("mailto:")
    try:
        validate_email(contact)
    except ValidationError:
        return ""
    return contact.lower()


def support_addresses(user) -> list[str]:
    """The addresses of support for a report about ``user``, sorted, without ``user``'s own."""
    staff = (ModelBackend().with_perm(SUPPORT_PERMISSION, is_active=True, include_superusers=True)
             .filter(is_staff=True).exclude(pk=user.pk).values_list("email", flat=True))
    addresses = set(staff) | ({_contact_address()} - {"", user.email})
    return sorted(addresses)


def admin_organizations(user) -> dict[str, list[str]]:
    """Each admin's address -> the names of their organizations that ``user`` belongs to (sorted)."""
    admins = (Membership.objects.filter(role=Membership.Role.ADMIN, user__is_active=True,
                                        organization__memberships__user=user)
              .exclude(user=user).values_list("user__email", "organization__name"))
    organizations = defaultdict(list)
    for address, name in admins:
        organizations[address].append(name)
    return {address: sorted(names) for address, names in sorted(organizations.items())}


def schedule_reports(user, link, *, removed: bool, now: int) -> None:
    """Tell support and the admins, after the commit, that ``user`` disowned ``link``'s authenticator
    (``removed``: it was still set up and is now deleted) and is on hold; ``now`` in Unix seconds."""
    conf = app_settings()
    context = {"user": user, "issuer": conf.issuer, "removed": removed,
               "set_up": when(int(link.set_up_at.timestamp())), "ip": link.ip or "", "browser": link.browser,
               "reported": when(now), "support_contact": conf.support_contact}
    subject = f"Account on hold: {user.email} says a new authenticator app was not theirs"
    messages = [_message(address, subject, "mfa/email/disowned_support.txt", context)
                for address in support_addresses(user)]
    for address, names in admin_organizations(user).items():
        if address not in {m.to[0] for m in messages}:
            messages.append(_message(address, subject, "mfa/email/disowned_admin.txt",
                                     {**context, "organizations": names}))
    send_after_commit(messages, failure=f"Could not send the hold reports about user {user.pk}")


def _message(address: str, subject: str, template: str, context: dict) -> EmailMessage:
    return EmailMessage(subject, render_to_string(template, context), to=[address])

