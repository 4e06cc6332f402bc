"""What the support console shows: finding users and one user's MFA picture."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from twostep.accounts.addresses import email_skeleton
from twostep.audit.models import AuditEvent
from twostep.clock import as_datetime
from twostep.mfa import policy
from twostep.mfa.disown import holds
from twostep.mfa.models import AccessPass, AccountHold, Authenticator, FactorThrottle
from twostep.mfa.recovery import services as recovery
from twostep.organizations.models import Membership

RECENT_EVENTS = 20
RECENT_PASSES = 10


def find_users(query: str):
    """Users whose e-mail or name contains ``query`` (case-insensitive; cleaned by ``SearchForm``) or whose
    address looks like it does (its skeleton contains the query's), by e-mail, each annotated with
    ``has_mfa``; none for a blank query."""
    query = query.strip()
    users = get_user_model().objects.all()
    if not query:
        return users.none()
    confirmed = Authenticator.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)
    looks_like = Q(email_skeleton__contains=email_skeleton(query))
    return (users.filter(Q(email__icontains=query) | Q(name__icontains=query) | looks_like)
            .annotate(has_mfa=Exists(confirmed)).order_by("email"))


@dataclass(frozen=True)
class Dossier:
    """One user as support sees them."""

    user: object
    memberships: list
    authenticator: Authenticator | None
    enrolling: bool
    recovery_codes: int
    mfa_required: bool
    events: list
    hold: AccountHold | None  # the hold the account is under, if any
    access_passes: list
    throttle: FactorThrottle | None = None  # the back-off of all second factors; None before any check

    @property
    def locked_at(self):
        return self.throttle.locked_at if self.throttle else None

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    @property
    def throttled_until(self):
        return self.throttle.throttled_until if self.throttle else None

    @property
    def failures(self) -> int:
        """Consecutive wrong codes of any second factor."""
        return self.throttle.failures if self.throttle else 0


def dossier(user, *, now: int) -> Dossier:
    """Organizations, MFA status, lockout state, the hold and the last ``RECENT_EVENTS`` audit events about
    ``user``."""
    authenticators = list(Authenticator.objects.filter(user=user))
    confirmed = next((a for a in authenticators if a.is_confirmed), None)
    return Dossier(
        user=user,
        memberships=list(Membership.objects.filter(user=user).select_related("organization__mfa_policy")),
        authenticator=confirmed,
        enrolling=any(not a.is_confirmed for a in authenticators),
        recovery_codes=recovery.remaining_recovery_codes(user),
        mfa_required=policy.mfa_required(user, moment=as_datetime(now)),
        events=list(AuditEvent.objects.filter(subject_id=user.pk).order_by("-occurred_at", "-id")[:RECENT_EVENTS]),
        hold=holds.active_hold(user),
        access_passes=access_passes(user, now=now),
        throttle=FactorThrottle.objects.filter(user=user).first(),
    )


@dataclass(frozen=True)
class PassRecord:
    """A temporary access pass as support sees it (never the pass): ``state`` is "valid" (until ``state_at``),
    "used", "voided" (a newer pass replaced it) or "expired", each at ``state_at``."""

    issued_at: object
    issued_by: str
    reason: str
    state: str
    state_at: object


def pass_state(row: AccessPass, moment) -> tuple[str, object]:
    """``(state, when)`` of ``row`` at ``moment`` (aware datetime). A pass that ran out before a newer one
    voided it counts as expired."""
    if row.used_at is not None:
        return "used", row.used_at
    if row.expires_at <= (row.voided_at or moment):
        return "expired", row.expires_at
    if row.voided_at is not None:
        return "voided", row.voided_at
    return "valid", row.expires_at


def access_passes(user, *, now: int) -> list[PassRecord]:
    """The ``RECENT_PASSES`` newest passes of ``user``, newest first."""
    rows = AccessPass.objects.filter(user=user).order_by("-created_at", "-id")[:RECENT_PASSES]
    return [PassRecord(row.created_at, row.issued_by_label, row.reason, *pass_state(row, as_datetime(now)))
            for row in rows]


def duration(seconds: int) -> str:
    """A lifetime for people: "1 hour", "2 hours", "90 minutes", "45 seconds"."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"
