"""Holds: an account on hold cannot sign in at all until support has checked the person and lifted it.

A hold is placed when the owner follows the *This wasn't me* link of an "MFA was set up" notice
(``twostep.mfa.disown.services``): someone else had the password and set up a second factor, so neither the
password nor what remains of the account's factors is trusted. The sign-in refuses the account after a
correct password (``journey.after_password``, through ``policy.requirement_for``); a password reset does
not lift it. Times are Unix seconds (``now``); errors are ``HoldError`` subclasses with a stable ``code``.
"""

from django.db import IntegrityError, transaction

from twostep.audit import events
from twostep.clock import as_datetime
from twostep.mfa import notices
from twostep.mfa.errors import MfaError
from twostep.mfa.models import AccountHold
from twostep.mfa.staff.identity import checked_identity


class HoldError(MfaError):
    code = "hold_error"
    message = "The hold on this account could not be changed."


class AccountOnHoldError(HoldError):
    """The password was right, but the account may not sign in (no sign-in, no pending sign-in)."""

    code = "on_hold"
    message = ("Your account is on hold: after a report that a new authenticator app was not set up by its "
               "owner, nobody can sign in to it until support has checked who you are. Contact support.")


class NotOnHoldError(HoldError):
    code = "not_on_hold"
    message = "This account is not on hold."


class ReasonRequiredError(HoldError):
    code = "reason_required"
    message = "Say how you checked that you are dealing with the owner of the account."


def active_hold(user) -> AccountHold | None:
    """The hold ``user`` is under, or None."""
    return AccountHold.objects.filter(user=user, lifted_at__isnull=True).first()


def place_hold(user, *, reason: str, detail: str, now: int) -> AccountHold:
    """Put ``user`` on hold in the caller's transaction; an account already on hold keeps its first hold
    (also when another hold was placed at the same moment)."""
    existing = active_hold(user)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # a savepoint: losing the race to the unique constraint is not an error
            return AccountHold.objects.create(user=user, reason=reason, detail=detail[:500],
                                              placed_at=as_datetime(now))
    except IntegrityError:
        return AccountHold.objects.get(user=user, lifted_at__isnull=True)


def lift_hold(user, *, actor, reason: str, identity_check: str, ticket: str = "", now: int,
              request=None) -> AccountHold:
    """Lift ``user``'s hold after support checked the person: one transaction, audited HOLD_LIFTED with
    ``reason`` (the note on the check), ``identity_check`` (an ``IdentityCheck`` value) and ``ticket``; the user
    gets a notice after the commit.

    ``actor`` is the support user or a label such as ``twostep.mfa.recovery.reset.OPERATOR``. Raises
    ReasonRequiredError for a blank reason, IdentityCheckRequiredError for a blank or unknown check and
    NotOnHoldError; then nothing changes. Whether ``actor`` may lift this hold (not their own, not a staff
    account's) is the console's check."""
    reason, ticket = (reason or "").strip(), (ticket or "").strip()
    if not reason:
        raise ReasonRequiredError()
    identity_check = checked_identity(identity_check)
    with transaction.atomic():
        hold = AccountHold.objects.select_for_update().filter(user=user, lifted_at__isnull=True).first()
        if hold is None:
            raise NotOnHoldError()
        hold.lifted_at = as_datetime(now)
        hold.lifted_by = actor if getattr(actor, "pk", None) else None
        hold.lifted_by_label, hold.lift_note, hold.lift_identity_check = str(actor)[:254], reason, identity_check
        hold.save(update_fields=["lifted_at", "lifted_by", "lifted_by_label", "lift_note", "lift_identity_check"])
        events.record(events.HOLD_LIFTED, actor=actor, subject=user, request=request, reason=reason,
                      identity_check=identity_check, ticket=ticket, hold_reason=hold.reason)
        notices.notify(user, "hold_lifted", now=now)
    return hold
