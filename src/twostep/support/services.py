"""Support's use cases, on top of ``twostep.mfa``."""

from django.db import transaction

from twostep.mfa import holds
from twostep.mfa.conf import now as clock_now
from twostep.mfa.reset import reset_mfa
from twostep.mfa.services import as_datetime
from twostep.support.models import SupportReset


def reset_user_mfa(user, *, actor, reason: str, identity_check: str, ticket: str = "", lift_hold: bool = False,
                   now: int | None = None, request=None) -> SupportReset:
    """Reset ``user``'s MFA (see ``twostep.mfa.reset.reset_mfa``) and record it as a SupportReset, in one
    transaction; with ``lift_hold`` also lift the hold the account is under, if any, with the same reason and
    identity check (``holds.lift_hold``). ``actor`` is the support user or a label such as
    ``mfa.reset.OPERATOR``; ``identity_check`` an ``IdentityCheck`` value; ``now`` in Unix seconds. The record's
    transient ``hold_lifted`` says whether a hold was lifted and ``on_hold`` whether the account is still on
    hold. Raises ``ReasonRequiredError`` when ``reason`` is blank, ``IdentityCheckRequiredError`` when
    ``identity_check`` is blank or unknown and ``NothingToResetError`` when there is nothing to reset (nothing
    changes, nor is a hold lifted)."""
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
    """Lift ``user``'s hold (see ``twostep.mfa.holds.lift_hold``, which raises ReasonRequiredError,
    IdentityCheckRequiredError and NotOnHoldError); ``now`` in Unix seconds (default: the clock)."""
    return holds.lift_hold(user, actor=actor, reason=reason, identity_check=identity_check, ticket=ticket,
                           now=clock_now() if now is None else now, request=request)
