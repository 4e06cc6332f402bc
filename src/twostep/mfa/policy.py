"""The one home of "must this user use MFA, and from when".

A user must use MFA when any organization they belong to requires it (from its ``enforce_from``),
when they already have a confirmed authenticator, or when they are staff (admin site, support: the support
console requires ``is_staff`` besides the ``support.reset_mfa`` permission, so this one rule covers support
staff without a permission lookup here, and ``mfa`` need not know the ``support`` app).
The rule is global: required by one organization means required for all of the user's sign-ins.
The same query also says whether the account is on hold (``twostep.mfa.holds``): then it may not sign in
at all, so the sign-in journey learns both at no extra cost.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery

from twostep.mfa.models import AccountHold, Authenticator, OrganizationMfaPolicy


@dataclass(frozen=True)
class MfaRequirement:
    """What the policy says about one user.

    ``enforced_from`` is the earliest ``enforce_from`` among the user's organizations that require MFA
    (None when none does); it may lie in the future during a grace period. ``on_hold``: the account may not
    sign in until support lifts its hold.
    """

    has_authenticator: bool
    enforced_from: datetime | None
    is_staff: bool
    on_hold: bool = False

    def required_at(self, moment: datetime) -> bool:
        """True when, at ``moment`` (aware datetime), the user may only sign in with a code."""
        if self.has_authenticator or self.is_staff:
            return True
        return self.enforced_from is not None and self.enforced_from <= moment


def requiring_policies(user_ref):
    """Policies requiring MFA of the organizations ``user_ref`` (a user pk or OuterRef) belongs to,
    earliest enforcement first."""
    return OrganizationMfaPolicy.objects.filter(
        required=True, organization__memberships__user=user_ref
    ).order_by("enforce_from")


def requiring_names(user) -> list[str]:
    """Names of the organizations of ``user`` that require MFA (also in their grace period), by name."""
    return sorted(requiring_policies(user.pk).values_list("organization__name", flat=True))


def requirement_sentence(user) -> str:
    """Which organizations require MFA of ``user``, as the start of a sentence: "Acme requires", "Acme and
    Globex require"; "" when none does (staff)."""
    names = requiring_names(user)
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{listed} require{'s' if len(names) == 1 else ''}"


def requirement_for(user) -> MfaRequirement:
    """One indexed query: membership(user) joined to the policy rows, plus the authenticator lookup."""
    row = (
        get_user_model().objects.filter(pk=user.pk)
        .annotate(
            has_authenticator=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)
            ),
            enforced_from=Subquery(requiring_policies(OuterRef("pk")).values("enforce_from")[:1]),
            on_hold=Exists(AccountHold.objects.filter(user=OuterRef("pk"), lifted_at__isnull=True)),
        )
        .values("has_authenticator", "enforced_from", "is_staff", "is_superuser", "on_hold")
        .first()
    )
    if row is None:
        return MfaRequirement(has_authenticator=False, enforced_from=None, is_staff=False)
    return MfaRequirement(
        has_authenticator=row["has_authenticator"],
        enforced_from=row["enforced_from"],
        is_staff=row["is_staff"] or row["is_superuser"],
        on_hold=row["on_hold"],
    )


def mfa_required(user, *, moment: datetime) -> bool:
    """``requirement_for(user).required_at(moment)``: must ``user`` pass a code to sign in now?"""
    return requirement_for(user).required_at(moment)
