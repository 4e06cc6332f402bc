"""The only writer of the audit trail.

``record(action, *, actor=None, subject=None, organization=None, request=None, client=None,
outcome="success", **detail) -> AuditEvent`` writes one row in the caller's transaction, so an event exists
exactly when the change it describes was committed. ``detail`` must never hold secrets, codes or passwords.
``client`` is ``(ip_address or None, user_agent)`` for work done without a request on behalf of an earlier
one (a task); ``request``, when given, wins.

``event_recorded`` is sent (``event=<AuditEvent>``) once that transaction commits: the hook for
listeners such as metrics, so this app imports none of them. A listener's error is logged, never raised.
"""

from typing import Any

from django.db import transaction
from django.dispatch import Signal

from twostep import clock
from twostep.audit.client import client_address
from twostep.audit.models import AuditEvent

event_recorded = Signal()

# The actions the product records; keep in step with the README's audit section.
SIGNIN_SUCCEEDED = "signin.succeeded"
SIGNIN_FAILED = "signin.failed"
SIGNIN_THROTTLED = "signin.throttled"
SIGNIN_ON_HOLD = "signin.on_hold"
SIGNOUT = "signout"
CODE_FAILED = "mfa.code_failed"
CODE_THROTTLED = "mfa.throttled"
MFA_LOCKED = "mfa.locked"
MFA_ENROLLED = "mfa.enrolled"
MFA_SETUP_STARTED = "mfa.setup_started"
MFA_MAILBOX_CODE_SENT = "mfa.mailbox_code_sent"
MFA_MAILBOX_VERIFIED = "mfa.mailbox_verified"
ACCESS_PASS_ISSUED = "mfa.access_pass_issued"
ACCESS_PASS_USED = "mfa.access_pass_used"
MFA_DISABLED = "mfa.disabled"
MFA_RESET = "mfa.reset"
MFA_DISOWNED = "mfa.disowned"
RECOVERY_CODE_USED = "mfa.recovery_code_used"
RECOVERY_CODES_GENERATED = "mfa.recovery_codes_generated"
PASSWORD_WITHOUT_CODE_NOTICE = "mfa.password_without_code_notice"
ORG_CREATED = "organization.created"
ORG_MFA_CHANGED = "organization.require_mfa_changed"
ORG_MEMBERS_NOTIFIED = "organization.members_notified"
INVITATION_SENT = "organization.invitation_sent"
INVITATION_ACCEPTED = "organization.invitation_accepted"
INVITATION_REVOKED = "organization.invitation_revoked"
MEMBER_REMOVED = "organization.member_removed"
MEMBER_ROLE_CHANGED = "organization.member_role_changed"
STEP_UP = "stepup"
PASSWORD_RESET = "account.password_reset"
PASSWORD_RESET_REQUESTED = "account.password_reset_requested"
PASSWORD_CHANGED = "account.password_changed"
EMAIL_CHANGED = "account.email_changed"
HOLD_LIFTED = "account.hold_lifted"
ACCESS_DENIED = "access.denied"
AUDIT_PRUNED = "audit.pruned"
SESSIONS_ENDED = "account.sessions_ended"

_FORBIDDEN_DETAIL_KEYS = {"password", "code", "secret", "key", "token", "recovery_code"}


def _label(obj: Any) -> str:
    return str(obj)[:254] if obj is not None else ""


def _client(request: Any) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    return client_address(request), request.META.get("HTTP_USER_AGENT", "")[:300]


def record(action: str, *, actor=None, subject=None, organization=None, request=None,
           client: tuple[str | None, str] | None = None, outcome: str = AuditEvent.Outcome.SUCCESS,
           **detail: Any) -> AuditEvent:
    """Append one event; ``actor``/``subject`` are users (or None), ``organization`` an organization."""
    leaked = _FORBIDDEN_DETAIL_KEYS.intersection(detail)
    if leaked:
        raise ValueError(f"audit detail may not carry secrets: {sorted(leaked)}")
    ip, agent = _client(request) if request is not None or client is None else (client[0], client[1][:300])
    event = AuditEvent.objects.create(
        occurred_at=clock.moment(), action=action, outcome=outcome,
        actor_id=getattr(actor, "pk", None), actor_label=_label(actor),
        subject_id=getattr(subject, "pk", None), subject_label=_label(subject),
        organization_id=getattr(organization, "pk", None), organization_label=_label(organization),
        ip_address=ip, user_agent=agent, detail=detail,
    )
    transaction.on_commit(lambda: event_recorded.send_robust(sender=AuditEvent, event=event))
    return event
