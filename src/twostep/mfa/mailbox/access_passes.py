"""Temporary access passes: support's way to let a user who cannot receive e-mail set up MFA.

A pass stands in for the mailbox proof of a first enrollment (``services``), once, within
``TWOSTEP_ACCESS_PASS_LIFETIME`` seconds (default 3600); it never replaces the password nor a second factor.
It is shown once to whoever issued it and stored only as a keyed hash (HMAC-SHA256); issuing a new pass
voids the user's unused ones. Passes look like ``ABCD-EFGH-JKMN-PQRS`` (16 characters of a 31-letter
alphabet without 0, 1, I, L, O: 79 random bits); case, spaces and dashes are ignored.
"""

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.crypto import salted_hmac

from twostep.audit import events
from twostep.clock import as_datetime
from twostep.mfa import lockout
from twostep.mfa.conf import app_settings
from twostep.mfa.errors import MfaError
from twostep.mfa.mailbox import services
from twostep.mfa.models import AccessPass

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # 31 symbols: no 0/O, 1/I/L that read as one another
LENGTH = 16


class AccessPassError(MfaError):
    code = "access_pass_error"


class InvalidAccessPassError(AccessPassError):
    code = "invalid_access_pass"
    message = ("That temporary access pass is not valid: it may be mistyped, used already, replaced by a newer "
               "one or expired. Ask your support desk for a new one.")


class AccessPassReasonRequiredError(AccessPassError):
    code = "reason_required"
    message = "Give the reason for the pass (for example how you checked who asked)."


def _normalize(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch not in " -\t")


def _digest(text: str) -> str:
    return salted_hmac("twostep.access-pass", _normalize(text)).hexdigest()


def _generate() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def issue_access_pass(user, *, actor, reason: str, now: int, request=None,
                      ticket: str = "") -> tuple[str, AccessPass]:
    """Issue a pass for ``user`` (voiding their unused ones); returns the pass text, to show once, and its row.

    ``actor`` is the support user or a label (``twostep access-pass``: "operator (command line)"). Raises
    AccessPassReasonRequiredError when ``reason`` is blank. Audited ``mfa.access_pass_issued`` with the reason
    (and ``ticket``, a support ticket reference, when one is given).
    """
    reason, ticket = (reason or "").strip(), (ticket or "").strip()[:100]
    if not reason:
        raise AccessPassReasonRequiredError()
    text, moment = _generate(), as_datetime(now)
    with transaction.atomic():
        # The user's row lock: two passes issued at once must not both stay valid.
        get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
        AccessPass.objects.filter(user=user, used_at__isnull=True, voided_at__isnull=True,
                                  expires_at__gt=moment).update(voided_at=moment)
        row = AccessPass.objects.create(
            user=user, pass_hash=_digest(text), issued_by_label=str(actor)[:254], reason=reason[:500],
            created_at=moment, expires_at=as_datetime(now + app_settings().access_pass_lifetime))
        extra: dict[str, Any] = {"ticket": ticket} if ticket else {}
        events.record(events.ACCESS_PASS_ISSUED, actor=actor, subject=user, request=request, reason=reason[:500],
                      **extra, valid_for=app_settings().access_pass_lifetime)
    return text, row


def use_access_pass(request, user, text: str, *, now: int) -> None:
    """Spend one of ``user``'s passes as this session's mailbox proof. A wrong pass counts toward the back-off
    and lockout every second factor of the user shares (``lockout``). Raises InvalidAccessPassError (audited
    ``mfa.code_failed``, reason ``invalid_access_pass``; ``retry_after``: seconds before the next try),
    ThrottledError or LockedError (nothing checked); success is audited ``mfa.access_pass_used``."""
    with transaction.atomic():
        guard = lockout.acquire(user, factor=lockout.ACCESS_PASS, now=now, request=request)
        error = guard.refused or _claim(guard, text, moment=as_datetime(now))
    if error is not None:
        raise error
    services.mark_proven(request, user, services.ACCESS_PASS, now=now)


def _claim(guard: lockout.Guard, text: str, *, moment) -> MfaError | None:
    claimed = AccessPass.objects.filter(  # the conditional UPDATE is the single-use guard
        user=guard.user, pass_hash=_digest(text), used_at__isnull=True, voided_at__isnull=True,
        expires_at__gt=moment).update(used_at=moment)
    if not claimed:
        return guard.failed(InvalidAccessPassError())
    guard.succeeded()
    events.record(events.ACCESS_PASS_USED, actor=guard.user, subject=guard.user, request=guard.request)
    return None
