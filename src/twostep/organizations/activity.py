"""What an organization's admins may see of its members' history: the one home of the rule.

The audit page, ``twostep audit-export --organization`` and the members page (and its CSV) read through here
(``events_for``, ``member_client_shown``):

- every event recorded for the organization (its settings, invitations, role changes, removals), in full;
- a current member's account events (recorded for no organization: sign-ins, codes, MFA, password and e-mail
  changes, holds), only those from the moment the member joined the organization on;
- the client of such an account event (IP address, browser, and the addresses and browsers in its detail) only
  while the member belongs to no other organization, and only when the member's own request (or no one's, such
  as a sign-in left unfinished) made it, never support staff's. One sign-in serves all of a member's
  organizations: where they sign in from is for none of them alone to see.

Events recorded for another organization never show.
"""

from typing import TYPE_CHECKING

from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.expressions import NegatedExpression
from django.db.models.query import ModelIterable

from twostep.audit.models import AuditEvent
from twostep.organizations.models import Membership

# Detail keys that hold a client's address or browser (``mfa.disowned``'s ``setup_ip``, for one).
CLIENT_DETAIL_NAMES = ("ip", "user_agent", "browser")
CLIENT_DETAIL_SUFFIXES = ("_ip", "_agent", "_browser")


def only_here(organization, user_ref) -> NegatedExpression:
    """The member ``user_ref`` (an OuterRef to a user id) belongs to no organization but ``organization``."""
    return ~Exists(Membership.objects.filter(user=user_ref).exclude(organization=organization))


def joined_by(organization, user_ref, moment_ref) -> Exists:
    """The member ``user_ref`` had joined ``organization`` at ``moment_ref`` (references to a user id and a time)."""
    return Exists(Membership.objects.filter(organization=organization, user=user_ref, created_at__lte=moment_ref))


def member_client_shown(organization, moment: str) -> Q:
    """For ``organization``'s memberships: the member's client of the moment named ``moment`` (an annotation, such
    as when they set up MFA) may be shown, by the same rule as their account events."""
    return Q(created_at__lte=F(moment)) & Q(only_here(organization, OuterRef("user_id")))


def is_client_detail(key: str) -> bool:
    return key in CLIENT_DETAIL_NAMES or key.endswith(CLIENT_DETAIL_SUFFIXES)


if TYPE_CHECKING:  # django-stubs-ext is a test dependency: only the type checker reads this
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class _Shown(TypedDict):
        client_shown: bool  # the annotation of ``events_for``

    ShownEvent = WithAnnotations[AuditEvent, _Shown]


def _without_client(event: "ShownEvent") -> "ShownEvent":
    """The event as read, with its client blanked (the model refuses to save an existing row, so it stays so)."""
    if not event.client_shown:
        event.ip_address, event.user_agent = None, ""
        event.detail = {key: value for key, value in (event.detail or {}).items() if not is_client_detail(key)}
    return event


class _ShownEvents(ModelIterable):
    """Yields each event with its client blanked where the rule hides it, however the queryset is read
    (paged, filtered, sliced, iterated in chunks)."""

    def __iter__(self):
        return map(_without_client, super().__iter__())


def events_for(organization) -> QuerySet:
    """The events ``organization``'s admins may read (see the module's rule), newest first. Each row has
    ``client_shown``; where it is False, ``ip_address`` is None, ``user_agent`` "" and the client keys of
    ``detail`` are left out."""
    subject, moment = OuterRef("subject_id"), OuterRef("occurred_at")
    here = Q(organization_id=organization.pk)
    own = Q(actor_id=F("subject_id")) | Q(actor_id__isnull=True)
    members = Membership.objects.filter(organization=organization).values("user_id")  # lets the subject index work
    events = AuditEvent.objects.filter(
        here | (Q(organization_id__isnull=True, subject_id__in=members) & joined_by(organization, subject, moment))
    ).annotate(
        client_shown=Case(When(here | (only_here(organization, subject) & own), then=True), default=False,
                          output_field=BooleanField())
    ).order_by("-occurred_at", "-id")
    events._iterable_class = _ShownEvents  # Django's hook for what a queryset yields (as .values() sets it)
    return events
