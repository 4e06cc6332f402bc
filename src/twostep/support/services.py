"""Support's use cases, on top of ``twostep.mfa``, and the one rule of who may act on whom.

Support staff act on other users' MFA (a reset, a temporary access pass, lifting a hold). They may not act on their own
account, nor on a staff account (support colleagues, admins) unless they are a superuser, so that a support
account cannot be used to take over a more privileged one. An operator on the command line (``actor`` a
label such as ``mfa.recovery.reset.OPERATOR``, not a user) may act on anyone.
"""

from django.db import transaction

from twostep.accounts.notices import schedule, when
from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.errors import ServiceError
from twostep.mfa.conf import app_settings
from twostep.mfa.disown import holds
from twostep.mfa.mailbox import services as mailbox
from twostep.mfa.mailbox.access_passes import issue_access_pass
from twostep.mfa.models import AccessPass
from twostep.mfa.recovery.reset import reset_mfa
from twostep.support.models import SupportReset

RESET, ACCESS_PASS, LIFT_HOLD = "reset", "access_pass", "lift_hold"  # the actions support takes on a user


class NotAllowedError(ServiceError):
    """This support user may not act on that user (answered with HTTP 403)."""

    code = "not_allowed"
    message = "You may not do this for that account."


class OwnAccountError(NotAllowedError):
    code = "own_account"
    messages = {
        RESET: "This is your own account. You cannot reset your own MFA here: replace your authenticator on your "
               "Security page, or ask another support person.",
        ACCESS_PASS: "This is your own account. You cannot issue yourself a temporary access pass: ask another "
                     "support person.",
        LIFT_HOLD: "This is your own account. You cannot lift a hold on your own account: ask another support "
                   "person to check who you are.",
    }


class StaffAccountError(NotAllowedError):
    code = "staff_account"
    messages = {
        RESET: "This is a staff account: only a superuser or an operator (twostep mfa-reset) can reset its MFA, "
               "so that support cannot take over a more privileged account.",
        ACCESS_PASS: "This is a staff account: only a superuser or an operator (twostep access-pass) can issue it "
                     "a temporary access pass, so that support cannot take over a more privileged account.",
        LIFT_HOLD: "This is a staff account: only a superuser or an operator (twostep lift-hold) can lift its hold, "
                   "so that support cannot take over a more privileged account.",
    }


def refusal(actor, target, action: str = RESET) -> NotAllowedError | None:
    """Why ``actor`` may not take ``action`` (RESET, ACCESS_PASS or LIFT_HOLD) on ``target``, as the error to raise or
    show, or None when they may. ``actor`` is a user, or a label (an operator: always allowed)."""
    if getattr(actor, "pk", None) is None:
        return None
    if target == actor:
        return OwnAccountError(OwnAccountError.messages[action])
    if (target.is_staff or target.is_superuser) and not actor.is_superuser:
        return StaffAccountError(StaffAccountError.messages[action])
    return None


def refusal_message(actor, target, action: str) -> str:
    """The sentence ``refusal`` gives a support page (shown instead of the form), or "" when ``actor`` may."""
    refused = refusal(actor, target, action)
    return refused.message if refused else ""


def check_allowed(actor, target, action: str) -> None:
    """Raise the ``refusal`` of ``actor`` taking ``action`` on ``target``, if any."""
    refused = refusal(actor, target, action)
    if refused is not None:
        raise refused


def reset_user_mfa(user, *, actor, reason: str, identity_check: str, ticket: str = "", lift_hold: bool = False,
                   now: int | None = None, request=None) -> SupportReset:
    """Reset ``user``'s MFA (see ``twostep.mfa.recovery.reset.reset_mfa``) and record it as a SupportReset, in one
    transaction; with ``lift_hold`` also lift the hold the account is under, if any, with the same reason and
    identity check (``holds.lift_hold``). ``actor`` is the support user or a label such as
    ``reset.OPERATOR``; ``identity_check`` an ``IdentityCheck`` value; ``now`` in Unix seconds. The record's
    transient ``hold_lifted`` says whether a hold was lifted and ``on_hold`` whether the account is still on
    hold. Raises ``OwnAccountError`` / ``StaffAccountError`` when ``actor`` may not act on ``user``,
    ``ReasonRequiredError`` when ``reason`` is blank, ``IdentityCheckRequiredError`` when ``identity_check`` is
    blank or unknown and ``NothingToResetError`` when there is nothing to reset (nothing changes, nor is a hold
    lifted)."""
    check_allowed(actor, user, RESET)
    now = clock_now() if now is None else now
    with transaction.atomic():
        reset_mfa(user, actor=actor, reason=reason, identity_check=identity_check, ticket=ticket, now=now,
                  request=request)
        record = SupportReset.objects.create(
            actor=actor if getattr(actor, "pk", None) else None, actor_label=str(actor)[:254], user_id=user.pk,
            user_email=user.email, reason=reason.strip(), identity_check=identity_check.strip(),
            ticket=(ticket or "").strip(), created_at=as_datetime(now),
        )
        on_hold = holds.active_hold(user) is not None
        if lift_hold and on_hold:
            holds.lift_hold(user, actor=actor, reason=reason, identity_check=identity_check, ticket=ticket, now=now,
                            request=request)
        record.hold_lifted, record.on_hold = lift_hold and on_hold, on_hold and not lift_hold
    return record


def lift_user_hold(user, *, actor, reason: str, identity_check: str, ticket: str = "", now: int | None = None,
                   request=None):
    """Lift ``user``'s hold (see ``twostep.mfa.disown.holds.lift_hold``, which raises ReasonRequiredError,
    IdentityCheckRequiredError and NotOnHoldError); ``now`` in Unix seconds (default: the clock). Raises
    ``OwnAccountError`` / ``StaffAccountError`` when ``actor`` may not act on ``user``."""
    check_allowed(actor, user, LIFT_HOLD)
    return holds.lift_hold(user, actor=actor, reason=reason, identity_check=identity_check, ticket=ticket,
                           now=clock_now() if now is None else now, request=request)


class AccessPassNotNeededError(ServiceError):
    """A temporary access pass would not help this user (answered with HTTP 400; nothing is issued)."""

    code = "access_pass_not_needed"
    message = "A temporary access pass would not help this user."


NO_MAILBOX_PROOF = ("Not needed: this site asks for no e-mail confirmation before MFA setup (TWOSTEP_MAILBOX_PROOF "
                    "is off), so the user sets up MFA after the password alone.")
HAS_AUTHENTICATOR = ("Not needed: this user has an authenticator app. A temporary access pass only stands in for the "
                     "e-mail confirmation before a first setup; if they lost their phone, reset their MFA first.")
DEACTIVATED = "Not needed: this account is deactivated and cannot sign in."
ON_HOLD = "Not yet: this account is on hold and cannot sign in. Lift the hold first, after checking who they are."


def access_pass_not_needed(user) -> str:
    """Why a temporary access pass would not help ``user`` (a sentence), or "" when it would: it stands in for
    the mailbox proof of a first enrollment (``twostep.mfa.mailbox.services.needs_proof``) and nothing else."""
    if not user.is_active:
        return DEACTIVATED
    if holds.active_hold(user) is not None:
        return ON_HOLD
    if mailbox.needs_proof(user):
        return ""
    return HAS_AUTHENTICATOR if app_settings().mailbox_proof else NO_MAILBOX_PROOF


def access_pass_refusal(actor, target) -> str:
    """Why ``actor`` cannot issue ``target`` a temporary access pass now (may not act on them, or a pass would
    not help), or "" when they can."""
    return refusal_message(actor, target, ACCESS_PASS) or access_pass_not_needed(target)


def issue_user_access_pass(user, *, actor, reason: str, ticket: str = "", now: int | None = None,
                           request=None) -> tuple[str, AccessPass]:
    """Issue ``user`` a temporary access pass (``twostep.mfa.mailbox.access_passes.issue_access_pass``: audited
    ``mfa.access_pass_issued``, voids their unused passes) and e-mail them a notice without the pass after
    the commit, in one transaction. Returns the pass text, to show once, and its row.

    ``actor`` is the support user or a label such as ``mfa.recovery.reset.OPERATOR``; ``now`` in Unix seconds. Raises
    ``OwnAccountError`` / ``StaffAccountError`` when ``actor`` may not act on ``user``,
    ``AccessPassNotNeededError`` when a pass would not help, ``AccessPassReasonRequiredError`` when
    ``reason`` is blank; then nothing is written and nothing sent.
    """
    check_allowed(actor, user, ACCESS_PASS)
    now = clock_now() if now is None else now
    with transaction.atomic():
        if not_needed := access_pass_not_needed(user):
            raise AccessPassNotNeededError(not_needed)
        text, row = issue_access_pass(user, actor=actor, reason=reason, ticket=ticket, now=now, request=request)
        # No request: the notice's "From" would be the support desk's address, not the user's.
        schedule(user, "support/email/access_pass_issued", "A temporary access pass was issued for your account",
                 now=now, until=when(int(row.expires_at.timestamp())))
    return text, row
