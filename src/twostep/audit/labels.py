"""How people read the audit trail: a label for every action of ``events`` and a one-line summary of an
event's detail in plain words: values by their labels (``describe_values``), a moment stored as an ISO 8601 stamp
as a date ("14 Dec 2026, 00:00" in the site's time zone). The detail never holds secrets (``events.record``
refuses them); ids and HMACs are left out."""

import re
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateformat import format as format_date

from twostep.audit import denials, events

LABELS = {
    events.SIGNIN_SUCCEEDED: "Signed in",
    events.SIGNIN_FAILED: "Sign-in failed (wrong e-mail or password)",
    events.SIGNIN_THROTTLED: "Sign-in refused (too many tries)",
    events.SIGNIN_ON_HOLD: "Sign-in refused (account on hold)",
    events.SIGNOUT: "Signed out",
    events.CODE_FAILED: "Wrong code",
    events.CODE_THROTTLED: "Code refused (too many wrong codes)",
    events.MFA_LOCKED: "MFA locked",
    events.MFA_ENROLLED: "Authenticator app set up",
    events.MFA_SETUP_STARTED: "MFA setup started",
    events.MFA_MAILBOX_CODE_SENT: "Code e-mailed for MFA setup",
    events.MFA_MAILBOX_VERIFIED: "E-mail address confirmed for MFA setup",
    events.ACCESS_PASS_ISSUED: "Temporary access pass issued",
    events.ACCESS_PASS_USED: "Temporary access pass used",
    events.MFA_DISABLED: "MFA turned off",
    events.MFA_RESET: "MFA reset",  # by support or an organization admin: the actor says who
    events.MFA_DISOWNED: "Authenticator app disowned (This wasn't me); account on hold",
    events.RECOVERY_CODE_USED: "Recovery code used",
    events.RECOVERY_CODES_GENERATED: "Recovery codes generated",
    events.PASSWORD_WITHOUT_CODE_NOTICE: "Warned: password used without the code",
    events.ORG_CREATED: "Organization created",
    events.ORG_MFA_CHANGED: "Require MFA changed",
    events.ORG_MEMBERS_NOTIFIED: "Members told about MFA",
    events.INVITATION_SENT: "Invitation sent",
    events.INVITATION_ACCEPTED: "Invitation accepted",
    events.INVITATION_REVOKED: "Invitation revoked",
    events.MEMBER_REMOVED: "Member removed",
    events.MEMBER_ROLE_CHANGED: "Member role changed",
    events.STEP_UP: "Confirmed identity (step-up)",
    events.PASSWORD_RESET: "Password reset",
    events.PASSWORD_RESET_REQUESTED: "Password reset requested",
    events.PASSWORD_CHANGED: "Password changed",
    events.EMAIL_CHANGED: "E-mail address changed",
    events.HOLD_LIFTED: "Hold lifted by support",
    events.ACCESS_DENIED: "Access refused",
    events.AUDIT_PRUNED: "Old audit events deleted (retention)",
    events.SESSIONS_ENDED: "Sessions ended",
}

_KEYS = {"mfa": "with MFA", "retry_after": "wait (s)", "recovery_codes": "recovery codes", "old_email": "from",
         "new_email": "to", "enforce_from": "from", "all_sessions": "all sessions",
         "cleared_lockout": "cleared lockout", "new_account": "new account", "wrong_codes": "wrong codes",
         "discarded_other": "replaced another setup", "expires_in": "valid for (s)", "known_device": "known browser",
         "authenticator_removed": "authenticator removed", "setup_ip": "set up from", "valid_for": "valid for (s)",
         "identity_check": "identity checked", "rule": "refused as", "path": "page",
         "before": "older than", "mfa_required": "MFA now required",
         "clock_offset": "phone's clock off by (time steps)", "scope": "sessions", "by": "asked by"}
# Labels of the values of some detail keys, registered by the apps that define them (``describe_values``).
_VALUES: dict[str, dict[str, str]] = {}


def describe_values(key: str, labels) -> None:
    """Show the values of detail ``key`` by ``labels`` (``{value: label}`` or choices) in summaries."""
    _VALUES[key] = dict(labels)


describe_values("rule", denials.RULES)


def label(action: str) -> str:
    """The label of ``action``; an unknown action (from an older or newer version) as it is stored."""
    return LABELS.get(action, action)


def _key(key: str) -> str:
    return _KEYS.get(key, key).replace("_", " ")


# An ISO 8601 moment as ``datetime.isoformat`` writes it (a date with a time, an offset or Z).
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")
DATE_FORMAT = "j M Y, H:i"  # as the members page shows dates


def readable_moment(text: str) -> str | None:
    """``text`` as a date people read ("2026-12-14T00:00:00+00:00" as "14 Dec 2026, 00:00", in the current time
    zone), or None when it is no ISO 8601 moment."""
    if not _STAMP.fullmatch(text):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return format_date(timezone.localtime(moment), DATE_FORMAT)


def _value(value: Any, key: str = "") -> str:
    if isinstance(value, str) and value in _VALUES.get(key, {}):
        return _VALUES[key][value]
    if isinstance(value, str) and (moment := readable_moment(value)):
        return moment
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{_key(k)} {_value(v, k)}" for k, v in value.items())
    return "—" if value is None or value == "" else str(value)


# A change's "before" and "after" (a dict each) are not the retention's "before" (a date).
_CHANGE_KEYS = {"before": "was", "after": "now"}


def summary(detail: dict | None) -> str:
    """``detail`` as "reason: Lost phone; ticket: T-1", ids left out."""
    return "; ".join(f"{_CHANGE_KEYS.get(key, key) if isinstance(value, dict) else _key(key)}: {_value(value, key)}"
                     for key, value in (detail or {}).items() if not key.endswith(("_id", "_hmac")))
