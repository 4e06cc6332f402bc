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
from twostep.accounts.forms import EMAIL_TAKEN
from twostep.accounts.models import normalize_email
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
    message = EMAIL_TAKEN


def change_email(user, new_email: str, *, request=None) -> str:
    """Give ``user`` the address ``new_email``; returns the old address, which gets a notice by e-mail.

    Raises EmailTakenError when another account has the address (also when it won a race for it).
    """
    new_email = normalize_email(new_email)
    old_email = user.email
    try:
        with transaction.atomic():
            get_user_model()._default_manager.filter(pk=user.pk).update(email=new_email)
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
        user = form.save()
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
