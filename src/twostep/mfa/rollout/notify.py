"""Telling members in advance: one e-mail to every member who has not set up MFA yet.

Needs no request: with a task queue (production) the view queues ``notify_members_task`` and an RQ
worker sends the e-mails; in the demo the same call runs in the request.
"""

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from twostep.audit import events
from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.errors import ServiceError
from twostep.mfa.models import Authenticator
from twostep.mfa.rollout.services import policy_of
from twostep.organizations.conf import absolute_url
from twostep.organizations.models import Organization


class NotifyError(ServiceError):
    code = "notify_error"
    message = "The e-mails could not be sent."


class NotRequiredError(NotifyError):
    code = "not_required"
    message = "Turn on Require MFA first: the e-mail tells members from when MFA is required."


def members_without_mfa(organization):
    """Active users of ``organization`` without a confirmed authenticator, by e-mail."""
    confirmed = Authenticator.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)
    return (get_user_model().objects.filter(memberships__organization=organization, is_active=True)
            .exclude(Exists(confirmed)).order_by("email"))


def compose(organization, *, enforce_from, now: int, name: str = "") -> tuple[str, str]:
    """Subject and plain-text body; ``enforce_from`` in the future means the grace period is running."""
    upcoming = enforce_from > as_datetime(now)
    day = date_format(timezone.localtime(enforce_from), "j F Y")
    subject = (f"{organization.name} requires multi-factor authentication from {day}" if upcoming
               else f"{organization.name} now requires multi-factor authentication")
    body = render_to_string("mfa/email/notify_members.txt", {
        "organization": organization, "upcoming": upcoming, "day": day, "name": name,
        "signin_url": absolute_url(reverse("mfa:signin")),
    })
    return subject, body


def notify_members_without_mfa(organization, *, actor, now: int | None = None, connection=None,
                               request=None) -> int:
    """E-mail every member of ``organization`` without MFA what will change, when and with which apps;
    returns the number of e-mails sent, all over one connection (Django's mail backend, ``connection``
    or the configured one). ``now`` in Unix seconds (default: the clock). Raises NotRequiredError when
    Require MFA is off; errors of the backend (SMTPException, OSError) propagate and nothing is audited.
    The audit event carries the count, not the addresses."""
    now = clock_now() if now is None else now
    policy = policy_of(organization)
    enforce_from = policy.enforce_from  # set whenever Require MFA is on (rollout.services)
    if not policy.required or enforce_from is None:
        raise NotRequiredError()
    connection = connection or get_connection()
    mails = []
    for user in members_without_mfa(organization):
        subject, body = compose(organization, enforce_from=enforce_from, now=now, name=user.name)
        mails.append(EmailMessage(subject, body, to=[user.email], connection=connection))
    sent = connection.send_messages(mails) if mails else 0
    events.record(events.ORG_MEMBERS_NOTIFIED, actor=actor, organization=organization, request=request,
                  recipients=sent, enforce_from=enforce_from.isoformat())
    return sent


def notify_members_task(organization_id: int, actor_id: int | None) -> int:
    """``notify_members_without_mfa`` for a task queue: ids in (the queue pickles its arguments), the
    number of e-mails out. Raises Organization.DoesNotExist when the organization is gone."""
    organization = Organization.objects.get(pk=organization_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    return notify_members_without_mfa(organization, actor=actor)
