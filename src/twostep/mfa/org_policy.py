"""Use cases of an organization's *Require MFA* switch."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q

from twostep.audit import events
from twostep.mfa.models import Authenticator, OrganizationMfaPolicy


@dataclass(frozen=True)
class Readiness:
    """How many members an organization has and how many have not set up MFA yet."""

    members: int
    without_mfa: int

    @property
    def with_mfa(self) -> int:
        return self.members - self.without_mfa


def policy_of(organization) -> OrganizationMfaPolicy:
    """The organization's policy (an unsaved 'not required' one when it never had any)."""
    return (OrganizationMfaPolicy.objects.select_related("changed_by").filter(organization=organization).first()
            or OrganizationMfaPolicy(organization=organization, required=False))


def readiness(organization) -> Readiness:
    """One aggregate query over the organization's memberships."""
    confirmed = Authenticator.objects.filter(user=OuterRef("user"), confirmed_at__isnull=False)
    counts = (organization.memberships.annotate(has_mfa=Exists(confirmed))
              .aggregate(members=Count("pk"), without_mfa=Count("pk", filter=Q(has_mfa=False))))
    return Readiness(members=counts["members"], without_mfa=counts["without_mfa"])


def set_require_mfa(organization, *, required: bool, actor, moment: datetime,
                    enforce_from: datetime | None = None, request=None) -> OrganizationMfaPolicy:
    """Switch *Require MFA* on (from ``enforce_from``, default ``moment``) or off; one transaction,
    audited with the previous and new value. Per-member work: none (the policy is read at sign-in)."""
    with transaction.atomic():
        policy, _ = OrganizationMfaPolicy.objects.select_for_update().get_or_create(organization=organization)
        before = {"required": policy.required, "enforce_from": _iso(policy.enforce_from)}
        policy.required = required
        policy.enforce_from = (enforce_from or moment) if required else None
        policy.changed_by = actor
        policy.changed_at = moment
        policy.save()
        events.record(events.ORG_MFA_CHANGED, actor=actor, organization=organization, request=request,
                      before=before, after={"required": required, "enforce_from": _iso(policy.enforce_from)})
    return policy


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
