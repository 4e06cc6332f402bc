"""Which audit events belong to an organization: the trail its admins may read and export."""

from django.db.models import Q, QuerySet

from twostep.audit.models import AuditEvent
from twostep.organizations.models import Membership


def events_for(organization) -> QuerySet:
    """Events recorded for ``organization`` (its *Require MFA* switch, its members' changes), and events
    about a current member that concern no organization in particular (sign-ins, MFA setup, password).
    A member's events recorded for *another* organization are not included. Newest first."""
    members = Membership.objects.filter(organization=organization).values("user_id")
    return AuditEvent.objects.filter(
        Q(organization_id=organization.pk) | Q(organization_id__isnull=True, subject_id__in=members)
    ).order_by("-occurred_at", "-id")
