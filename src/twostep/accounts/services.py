"""Account use cases: change e-mail, change password, finish a password reset. Each change is one
transaction together with its audit event; errors are ``AccountError`` subclasses with a stable ``code``.
"""

import logging
import smtplib

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from twostep.accounts import notices
from twostep.accounts.addresses import LookAlikeAddressError, canonical_email, email_skeleton
from twostep.accounts.sessions import end_all_sessions, end_other_sessions
from twostep.accounts.signals import password_changed
from twostep.audit import events
from twostep.errors import ServiceError

logger = logging.getLogger(__name__)


class AccountError(ServiceError):
    code = "account_error"
    message = "Your account could not be changed."


class EmailTakenError(AccountError):
    code = "email_taken"
    message = "Another account already uses this e-mail address."


class EmailUnchangedError(AccountError):
    code = "email_unchanged"
    message = "That is already your e-mail address."


class EmailLooksUnchangedError(AccountError):
    code = "email_looks_unchanged"
    message = ("That address looks the same as your current one but is a different address. "
               "Type the new address by hand.")


def check_new_email(user, new_email: str) -> str:
    """The canonical form of ``new_email`` if ``user`` may take it. Raises AddressError (refused by
    ``canonical_email``), EmailUnchangedError, EmailLooksUnchangedError (a look-alike of the current
    address), EmailTakenError or LookAlikeAddressError (another account has it, or one that looks the same)."""
    new_email = canonical_email(new_email)
    if new_email == user.email:
        raise EmailUnchangedError()
    if email_skeleton(new_email) == email_skeleton(user.email):
        raise EmailLooksUnchangedError()
    other = get_user_model()._default_manager.look_alike(new_email, exclude_pk=user.pk)
    if other is not None:
        raise EmailTakenError() if other.email == new_email else LookAlikeAddressError()
    return new_email


def change_email(user, new_email: str, *, request=None) -> str:
    """Give ``user`` the address ``new_email``; returns the old address, which gets a notice by e-mail.

    Raises the errors of ``check_new_email``; EmailTakenError also when another account won a race for the
    address or one that looks the same (the unique columns).
    """
    new_email = check_new_email(user, new_email)
    old_email = user.email
    try:
        with transaction.atomic():
            get_user_model()._default_manager.filter(pk=user.pk).update(
                email=new_email, email_skeleton=email_skeleton(new_email))
            user.email = new_email
            events.record(events.EMAIL_CHANGED, actor=user, subject=user, request=request,
                          old_email=old_email, new_email=new_email)
    except IntegrityError as exc:
        user.email = old_email
        raise EmailTakenError() from exc
    _notify(old_email, "accounts/email_changed", {"user": user, "old_email": old_email, "new_email": new_email})
    return old_email


def change_password(request, user, password: str) -> None:
    """Set a new password; every other session of ``user`` ends, the one of ``request`` stays signed in, and
    the user gets a notice by e-mail after the commit."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        password_changed.send(sender=change_password, user=user)
        end_other_sessions(request, user)
        events.record(events.PASSWORD_CHANGED, actor=user, subject=user, request=request)
        notices.notify(user, "password_changed", request=request)


def finish_password_reset(form, *, request=None):
    """Save the new password of a valid reset link's ``SetPasswordForm``, end every session of the user
    and record it (the user gets a notice by e-mail after the commit); returns the user. It never signs
    anyone in: the next sign-in still asks for a code."""
    with transaction.atomic():
        user = form.save(commit=False)
        user.save(update_fields=["password"])  # only the password: an address left without a key stays as it is
        password_changed.send(sender=finish_password_reset, user=user)
        end_all_sessions(user)
        events.record(events.PASSWORD_RESET, actor=user, subject=user, request=request)
        notices.notify(user, "password_reset", request=request)
    return user


def _notify(address: str, template: str, context: dict) -> None:
    """Send a notice through Django's e-mail backend. The change is already committed, so a mail
    server failure is logged (without the message) rather than shown to the user as an error."""
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    try:
        send_mail(subject, body, None, [address])
    except (OSError, smtplib.SMTPException):
        logger.warning("Could not send the %s notice for user %s", template, context["user"].pk, exc_info=True)
