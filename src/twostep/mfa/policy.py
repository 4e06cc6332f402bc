"""The one home of "must this user use MFA, and from when".

A user must use MFA when any organization they belong to requires it (from its ``enforce_from``),
when they already have a confirmed authenticator, or when they are staff (admin site, support: the support
console requires ``is_staff`` besides the ``support.reset_mfa`` permission, so this one rule covers support
staff without a permission lookup here, and ``mfa`` need not know the ``support`` app).
The rule is global: required by one organization means required for all of the user's sign-ins.

The deployment widens it with ``TWOSTEP_MFA_REQUIRED_FOR`` (read and checked by ``twostep.tuning``):
``organizations`` is the rule above alone; ``admins`` (the default) adds every admin of any organization,
at once and without a grace period, since an admin acts on other people's data; ``everyone`` adds every account.
The same query also says whether the account is on hold (``twostep.mfa.disown.holds``): then it may not sign in
at all, so the sign-in journey learns both at no extra cost.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery

from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.mfa.conf import app_settings
from twostep.mfa.models import AccountHold, Authenticator, OrganizationMfaPolicy
from twostep.organizations.models import Membership
from twostep.tuning import MFA_REQUIRED_FOR

ORGANIZATIONS, ADMINS, EVERYONE = MFA_REQUIRED_FOR


def required_for() -> str:
    """``TWOSTEP_MFA_REQUIRED_FOR``: ``"organizations"``, ``"admins"`` (default) or ``"everyone"``."""
    return app_settings().required_for


@dataclass(frozen=True)
class MfaRequirement:
    """What the policy says about one user.

    ``enforced_from`` is the earliest ``enforce_from`` among the user's organizations that require MFA
    (None when none does); it may lie in the future during a grace period. ``on_hold``: the account may not
    sign in until support lifts its hold. ``is_admin``: an admin of at least one organization.
    ``required_for``: the deployment's ``TWOSTEP_MFA_REQUIRED_FOR`` when this was read.
    """

    has_authenticator: bool
    enforced_from: datetime | None
    is_staff: bool
    on_hold: bool = False
    is_admin: bool = False
    required_for: str = ORGANIZATIONS

    def ruled_at(self, moment: datetime) -> bool:
        """True when, at ``moment`` (aware datetime), the rule itself requires MFA of the user, whether or not
        they have an authenticator: they must set one up, and may not turn theirs off."""
        if self.is_staff or self.required_for == EVERYONE or (self.required_for == ADMINS and self.is_admin):
            return True
        return self.enforced_from is not None and self.enforced_from <= moment

    def required_at(self, moment: datetime) -> bool:
        """True when, at ``moment`` (aware datetime), the user may only sign in with a code."""
        return self.has_authenticator or self.ruled_at(moment)


def requiring_policies(user_ref):
    """Policies requiring MFA of the organizations ``user_ref`` (a user pk or OuterRef) belongs to,
    earliest enforcement first."""
    return OrganizationMfaPolicy.objects.filter(
        required=True, organization__memberships__user=user_ref
    ).order_by("enforce_from")


def requiring_names(user) -> list[str]:
    """Names of the organizations of ``user`` that require MFA (also in their grace period), by name."""
    return sorted(requiring_policies(user.pk).values_list("organization__name", flat=True))


def listed(names: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def requirement_sentence(user) -> str:
    """Which organizations require MFA of ``user``, as the start of a sentence: "Acme requires", "Acme and
    Globex require"; "" when none does (staff, admins, everyone)."""
    names = requiring_names(user)
    return f"{listed(names)} require{'s' if len(names) == 1 else ''}" if names else ""


def admin_of(user) -> str:
    """The organizations that make ``user`` use MFA by being their admin (``TWOSTEP_MFA_REQUIRED_FOR=admins``),
    listed by name ("Acme and Globex"); "" when that rule is off or they are no admin."""
    if required_for() != ADMINS:
        return ""
    names = list(Membership.objects.filter(user=user.pk, role=Membership.Role.ADMIN)
                 .order_by("organization__name").values_list("organization__name", flat=True))
    return listed(names) if names else ""


def reason(user) -> str | None:
    """Why the rule requires MFA of ``user``, as one sentence, or None when it does not (an authenticator of
    their own is no reason: they may turn it off). Organizations in their grace period count."""
    requirement = requirement_for(user)
    if requirement.is_staff:
        return "Staff and support accounts must always use multi-factor authentication."
    if requirement.enforced_from is not None:
        return f"{requirement_sentence(user)} multi-factor authentication."
    if requirement.required_for == ADMINS and requirement.is_admin:
        return f"Multi-factor authentication is required because you are an admin of {admin_of(user)}."
    if requirement.required_for == EVERYONE:
        return "Multi-factor authentication is required for every account."
    return None


def requirement_for(user) -> MfaRequirement:
    """One indexed query: membership(user) joined to the policy rows, plus the authenticator, hold and admin
    lookups (each an EXISTS on an index by user)."""
    row = (
        get_user_model().objects.filter(pk=user.pk)
        .annotate(
            has_authenticator=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)
            ),
            enforced_from=Subquery(requiring_policies(OuterRef("pk")).values("enforce_from")[:1]),
            on_hold=Exists(AccountHold.objects.filter(user=OuterRef("pk"), lifted_at__isnull=True)),
            is_admin=Exists(Membership.objects.filter(user=OuterRef("pk"), role=Membership.Role.ADMIN)),
        )
        .values("has_authenticator", "enforced_from", "is_staff", "is_superuser", "on_hold", "is_admin")
        .first()
    )
    if row is None:
        return MfaRequirement(has_authenticator=False, enforced_from=None, is_staff=False)
    return MfaRequirement(
        has_authenticator=row["has_authenticator"],
        enforced_from=row["enforced_from"],
        is_staff=row["is_staff"] or row["is_superuser"],
        on_hold=row["on_hold"],
        is_admin=row["is_admin"],
        required_for=required_for(),
    )


def mfa_required(user, *, moment: datetime) -> bool:
    """``requirement_for(user).required_at(moment)``: must ``user`` pass a code to sign in now?"""
    return requirement_for(user).required_at(moment)


def membership_facts(sender, *, user, **kwargs) -> dict:
    """Receiver of ``twostep.organizations.signals.membership_facts``: ``{"mfa_required": bool}``, whether the
    rule requires MFA of ``user`` now, so that a membership change that alters it says so in its audit event."""
    return {"mfa_required": requirement_for(user).ruled_at(as_datetime(clock_now()))}
