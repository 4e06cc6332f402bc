"""Removing a user's MFA: the user turns it off, or support resets it after a lost phone.

Both delete the user's authenticators and recovery codes and forget the back-off and lockout of their second
factors (``lockout.clear``), in one transaction, and are audited. Turning MFA off also ends the user's other
sessions; a reset ends every session of the user and e-mails them, so a reset they did not ask for is noticed.
"""

from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from twostep.accounts.notices import send_after_commit
from twostep.accounts.sessions import end_all_sessions, end_sessions_but_this
from twostep.audit import events
from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.mfa import lockout, notices, policy
from twostep.mfa.conf import app_settings
from twostep.mfa.errors import MfaError
from twostep.mfa.models import Authenticator
from twostep.mfa.recovery import codes
from twostep.mfa.staff.identity import checked_identity

OPERATOR = "operator (command line)"  # the actor label of a reset run with ``twostep mfa-reset``


class MfaStillRequiredError(MfaError):
    code = "mfa_required"
    message = "Multi-factor authentication is required for your account, so it cannot be turned off."


class ReasonRequiredError(MfaError):
    code = "reason_required"
    message = "Give the reason for the reset (for example how you checked who asked)."


class NothingToResetError(MfaError):
    code = "nothing_to_reset"
    message = "Nothing to reset: this user has no authenticator, recovery codes or lockout."


@dataclass(frozen=True)
class Removed:
    """What a reset or turning MFA off deleted; ``cleared_lockout``: wrong codes had been counted (perhaps
    a wait or the lock)."""

    authenticators: int
    recovery_codes: int
    cleared_lockout: bool = False


def has_factors(user) -> bool:
    """True when ``user`` has anything a reset removes: a confirmed authenticator, an unused recovery code or
    counted wrong codes (a lockout, also of a user who has no authenticator yet: mailbox codes count too). A
    setup in progress alone is nothing to reset (it never verifies anything), though a reset discards it too."""
    return (Authenticator.objects.filter(user=user, confirmed_at__isnull=False).exists()
            or codes.remaining(user) > 0 or lockout.has_failures(user))


def _remove_factors(user) -> Removed:
    cleared = lockout.clear(user)  # first: a check takes this row's lock before the authenticator's
    authenticators = Authenticator.objects.filter(user=user).delete()[0]
    return Removed(authenticators=authenticators, recovery_codes=codes.delete_all(user),
                   cleared_lockout=cleared)


def why_required(user) -> str | None:
    """Why ``user`` may not turn MFA off (a sentence, ``policy.reason``), or None when they may."""
    return policy.reason(user)


def disable_mfa(user, *, request=None) -> Removed:
    """Turn MFA off for ``user``: delete their authenticators and recovery codes (audited MFA_DISABLED) and end
    every other session of the user (whoever signed in with the removed app); ``request``'s session, when it
    is the user's own, stays signed in under a new key.

    The user gets a notice by e-mail after the commit. Raises MfaStillRequiredError (nothing changes) when
    the rule requires MFA of the user (``policy.reason``): an organization of theirs requires it, also during
    its grace period, they are staff, or ``TWOSTEP_MFA_REQUIRED_FOR`` covers them (an admin, everyone).
    """
    with transaction.atomic():
        reason = why_required(user)
        if reason is not None:
            raise MfaStillRequiredError(reason)
        removed = _remove_factors(user)
        end_sessions_but_this(user, request)
        events.record(events.MFA_DISABLED, actor=user, subject=user, request=request,
                      authenticators=removed.authenticators, recovery_codes=removed.recovery_codes)
        notices.notify(user, "mfa_disabled", request=request)
    return removed


def reset_mfa(user, *, actor, reason: str, identity_check: str, ticket: str = "", now: int | None = None,
              request=None, organization=None) -> Removed:
    """Support's reset after a lost phone: delete the user's authenticators and recovery codes, clear the
    lockout (the only way to lift it), end all of their sessions, audit MFA_RESET with ``reason``,
    ``identity_check`` (an ``IdentityCheck`` value: how the person was checked), ``ticket`` and
    ``cleared_lockout``, and e-mail the user after the commit. Their next sign-in goes to setup.

    ``actor`` is the support user, an admin of ``organization`` (``rollout.resets``; the event and the e-mail name
    the organization), or a label such as ``OPERATOR``; ``now`` in Unix seconds (default: the clock). Raises
    ReasonRequiredError when ``reason`` is blank, IdentityCheckRequiredError when ``identity_check`` is blank or
    unknown, and NothingToResetError when the user has no authenticator,
    recovery codes or lockout; then nothing is written and no e-mail is sent.
    """
    reason, ticket = (reason or "").strip(), (ticket or "").strip()
    if not reason:
        raise ReasonRequiredError()
    identity_check = checked_identity(identity_check)
    now = clock_now() if now is None else now
    with transaction.atomic():
        if not has_factors(user):
            raise NothingToResetError()
        removed = _remove_factors(user)
        end_all_sessions(user)
        events.record(events.MFA_RESET, actor=actor, subject=user, organization=organization, request=request,
                      reason=reason, identity_check=identity_check, ticket=ticket,
                      authenticators=removed.authenticators, recovery_codes=removed.recovery_codes,
                      cleared_lockout=removed.cleared_lockout)
        send_after_commit([reset_notice(user, now=now, organization=organization)],
                          failure=f"Could not send the mfa_reset notice for user {user.pk}")
    return removed


def reset_notice(user, *, now: int, organization=None) -> EmailMessage:
    """The e-mail telling ``user`` that their MFA was reset (``now`` in Unix seconds is when), by support or by
    an admin of ``organization``."""
    context = {"user": user, "when": as_datetime(now), "issuer": app_settings().issuer, "organization": organization}
    subject = render_to_string("mfa/email/mfa_reset_subject.txt", context).strip()
    return EmailMessage(subject, render_to_string("mfa/email/mfa_reset.txt", context), to=[user.email])
