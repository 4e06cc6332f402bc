"""Use cases of an organization's *Require MFA* switch.

Only an admin who has MFA may switch it on: an admin without it would require of every member what their own
account, the most powerful one of the organization, does without (``OwnMfaRequiredError``).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q

from twostep.audit import events
from twostep.errors import ServiceError
from twostep.mfa.models import Authenticator, OrganizationMfaPolicy


class RequireMfaError(ServiceError):
    code = "require_mfa_error"
    message = "Require MFA could not be changed."


class OwnMfaRequiredError(RequireMfaError):
    code = "own_mfa_required"
    message = ("Set up multi-factor authentication for your own account first: only an admin who uses MFA can "
               "require it of the members.")


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


def ensure_can_require(actor) -> None:
    """Raise ``OwnMfaRequiredError`` unless ``actor`` has a confirmed authenticator. ``actor`` None is an
    operator (command line, demo data), who signs in nowhere and is not refused."""
    if actor is not None and not Authenticator.objects.filter(user=actor, confirmed_at__isnull=False).exists():
        raise OwnMfaRequiredError()


def set_require_mfa(organization, *, required: bool, actor, moment: datetime,
                    enforce_from: datetime | None = None, request=None) -> OrganizationMfaPolicy:
    """Switch *Require MFA* on (from ``enforce_from``, default ``moment``) or off; one transaction,
    audited with the previous and new value. Per-member work: none (the policy is read at sign-in).

    Switching on (now or from a date) raises ``OwnMfaRequiredError`` when ``actor`` has no MFA of their own;
    switching off is always allowed."""
    with transaction.atomic():
        if required:
            ensure_can_require(actor)
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
