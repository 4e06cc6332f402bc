"""The grace period: *Require MFA* is on from a date that has not come yet.

Members without MFA see a banner on every page until the date ("Acme Calibration requires MFA from
15 January; set it up now"); from the date the enforcement middleware sends them to setup.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists

from twostep.mfa.models import Authenticator
from twostep.mfa.policy import requiring_policies


@dataclass(frozen=True)
class GracePeriod:
    organization_name: str
    enforce_from: datetime


def grace_period_for(user, *, moment: datetime) -> GracePeriod | None:
    """The earliest requiring organization of ``user`` when its date is after ``moment`` and the user
    has no confirmed authenticator; else None. One query."""
    has_mfa = Exists(Authenticator.objects.filter(user=user.pk, confirmed_at__isnull=False))
    row = (requiring_policies(user.pk).annotate(has_mfa=has_mfa)
           .values("enforce_from", "organization__name", "has_mfa").first())
    if row is None or row["has_mfa"] or row["enforce_from"] is None or row["enforce_from"] <= moment:
        return None
    return GracePeriod(organization_name=row["organization__name"], enforce_from=row["enforce_from"])
