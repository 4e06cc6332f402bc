"""Support's use cases, on top of ``twostep.mfa``."""

from django.db import transaction

from twostep.mfa.conf import now as clock_now
from twostep.mfa.reset import reset_mfa
from twostep.mfa.services import as_datetime
from twostep.support.models import SupportReset


def reset_user_mfa(user, *, actor, reason: str, ticket: str = "", now: int | None = None,
                   request=None) -> SupportReset:
    """Reset ``user``'s MFA (see ``twostep.mfa.reset.reset_mfa``) and record it as a SupportReset, in one
    transaction. ``actor`` is the support user or a label such as ``mfa.reset.OPERATOR``; ``now`` in Unix
    seconds. Raises ``ReasonRequiredError`` when ``reason`` is blank and ``NothingToResetError`` when there is
    nothing to reset (nothing changes)."""
    now = clock_now() if now is None else now
    with transaction.atomic():
        reset_mfa(user, actor=actor, reason=reason, ticket=ticket, now=now, request=request)
        return SupportReset.objects.create(
            actor=actor if getattr(actor, "pk", None) else None, actor_label=str(actor)[:254], user_id=user.pk,
            user_email=user.email, reason=reason.strip(), ticket=(ticket or "").strip(), created_at=as_datetime(now),
        )
