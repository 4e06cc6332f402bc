"""Mailbox proof before a first enrollment: the password alone never leads to a working second factor.

Before the QR code of a user's first authenticator is shown (``needs_proof``), this session proves that it
can read the account's mailbox, in one of three ways (``TWOSTEP_MAILBOX_PROOF``, on by default):

- a one-time 6-digit code mailed to the account's address (``send_code``, ``check_code``): valid
  ``TWOSTEP_MAILBOX_CODE_LIFETIME`` seconds (600), single use, 5 tries, bound to this session and user; at
  most ``SENDS_PER_HOUR`` mails an hour and ``SENDS_PER_DAY`` a day per account (counted in the cache, which
  every app server shares), at least ``RESEND_AFTER`` seconds apart;
- an invitation link to that address opened in this session (``organizations.invitation_proof.note_opened``);
- a temporary access pass from support (``access_passes``).

The mailed code lives in the database (``MailboxChallenge``: an HMAC of it, its tries, bound to this session's
setup binding), so every server counts the same tries; the proof itself lives in the session next to the
pending sign-in, for ``TWOSTEP_SETUP_TIMEOUT`` seconds, and sign-out flushes it. The code is only in the mail.
"""

import hmac
import logging
import secrets
import smtplib
from dataclasses import dataclass
from typing import cast

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

from twostep import counters, otp
from twostep.audit import events
from twostep.clock import as_datetime
from twostep.mfa import lockout
from twostep.mfa.authenticators import setup_binding
from twostep.mfa.authenticators.services import MalformedCodeError
from twostep.mfa.conf import app_settings
from twostep.mfa.errors import MfaError
from twostep.mfa.models import Authenticator, MailboxChallenge
from twostep.organizations import invitation_proof

logger = logging.getLogger(__name__)

SESSION_KEY = "twostep_mailbox"
MAX_TRIES, RESEND_AFTER, SENDS_PER_HOUR, SENDS_PER_DAY = 5, 60, 3, 10
EMAIL, INVITATION, ACCESS_PASS = "email", "invitation", "access_pass"


@dataclass(frozen=True)
class Challenge:
    """The code mailed to this session: when it was sent and runs out (Unix seconds), tries used."""

    sent_at: int
    expires_at: int
    tries: int


def needs_proof(user) -> bool:
    """True when ``user`` may only see a first QR code after a mailbox proof (no confirmed authenticator)."""
    return app_settings().mailbox_proof and not Authenticator.objects.filter(
        user=user, confirmed_at__isnull=False).exists()


def _state(request, user) -> dict:
    data = request.session.get(SESSION_KEY) or {}
    return data if data.get("user_id") == user.pk else {}


def proven(request, user, *, now: int) -> str | None:
    """How this session proved ``user``'s mailbox (EMAIL, INVITATION, ACCESS_PASS), or None; a proof
    lasts ``TWOSTEP_SETUP_TIMEOUT`` seconds."""
    data = _state(request, user)
    at = data.get("proven_at")
    if at is not None and 0 <= now - at <= app_settings().setup_timeout:
        return data["via"]
    invited = invitation_proof.opened_address(request)
    if invited and invited[0] == user.email and 0 <= now - invited[1] <= app_settings().setup_timeout:
        return INVITATION
    return None


def mark_proven(request, user, via: str, *, now: int) -> None:
    request.session[SESSION_KEY] = {"user_id": user.pk, "proven_at": now, "via": via}


def _rows(request, user):
    return MailboxChallenge.objects.filter(user=user, session_binding=setup_binding.existing(request) or "-")


def challenge(request, user) -> Challenge | None:
    """The newest code mailed to this session for ``user`` (expired or not), or None."""
    row = _rows(request, user).order_by("-sent_at", "-pk").first()
    if row is None:
        return None
    return Challenge(int(row.sent_at.timestamp()), int(row.expires_at.timestamp()), row.tries)


def _digest(user, code: str) -> str:
    return salted_hmac("twostep.mailbox-code", f"{user.pk}:{code}").hexdigest()


def new_code(request, user, *, now: int) -> str | None:
    """A fresh 6-digit code for ``user``, recorded (hashed) for this session, replacing its earlier ones; None
    when the limits refuse a mail now (``RESEND_AFTER`` since the last, ``SENDS_PER_HOUR``, ``SENDS_PER_DAY``)."""
    current = challenge(request, user)
    if current is not None and now - current.sent_at < RESEND_AFTER:
        return None
    if not _count_send(user):
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    binding = setup_binding.binding(request)
    with transaction.atomic():
        MailboxChallenge.objects.filter(user=user, session_binding=binding).delete()
        MailboxChallenge.objects.create(
            user=user, session_binding=binding, code_hash=_digest(user, code), sent_at=as_datetime(now),
            expires_at=as_datetime(now + app_settings().mailbox_code_lifetime))
    return code


def _count_send(user) -> bool:
    key = salted_hmac("twostep.mailbox-sends", str(user.pk)).hexdigest()
    return all(counters.count(f"twostep:mailbox:{window}:{key}", window=window) <= limit
               for window, limit in ((3600, SENDS_PER_HOUR), (86400, SENDS_PER_DAY)))


def check_code(request, user, code: str, *, now: int) -> str:
    """Compare ``code`` (6 digits, normalized) with this session's mailed code; returns "ok", "wrong",
    "expired" (or used up: a new code is needed) or "none" (nothing was sent). Each comparison first claims
    one of ``MAX_TRIES`` with a conditional UPDATE, so parallel guesses get no more; "ok" spends the code
    (once, likewise) and marks the mailbox proven."""
    row = _rows(request, user).order_by("-sent_at", "-pk").first()
    if row is None:
        return "none"
    live = MailboxChallenge.objects.filter(pk=row.pk, used_at__isnull=True, tries__lt=MAX_TRIES,
                                           expires_at__gte=as_datetime(now))
    if not live.update(tries=F("tries") + 1):
        return "expired"
    if not hmac.compare_digest(row.code_hash, _digest(user, code)):
        return "wrong"
    if not MailboxChallenge.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=as_datetime(now)):
        return "expired"
    mark_proven(request, user, EMAIL, now=now)
    return "ok"


def discard_session_challenges(request) -> None:
    """Delete the codes mailed to this session (sign-out)."""
    if binding := setup_binding.existing(request):
        MailboxChallenge.objects.filter(session_binding=binding).delete()


class MailboxCodeError(MfaError):
    code = "mailbox_code_error"


class WrongMailboxCodeError(MailboxCodeError):
    code = "invalid_mailbox_code"
    message = "That code is not correct. Check the newest e-mail from us and type its 6 digits."


class MailboxCodeExpiredError(MailboxCodeError):
    code = "mailbox_code_expired"
    message = "That code has run out or was tried too often. Send yourself a new code."


class MailboxSendLimitedError(MailboxCodeError):
    code = "mailbox_send_limited"
    message = ("A code was sent a moment ago, or too many today. Check your inbox and spam folder; a new code "
               "can be sent a minute after the last one.")


def send_mailbox_code(request, user, *, now: int) -> Challenge:
    """Mail ``user`` a new setup code for this session (after the commit); returns its challenge. Raises
    MailboxSendLimitedError (nothing sent). Audited ``mfa.mailbox_code_sent``."""
    code = new_code(request, user, now=now)
    if code is None:
        raise MailboxSendLimitedError()
    sent = cast(Challenge, challenge(request, user))  # new_code has just stored it
    with transaction.atomic():
        events.record(events.MFA_MAILBOX_CODE_SENT, actor=user, subject=user, request=request)
    _mail_code(user, code, expires_at=sent.expires_at)  # committed: views run in autocommit (no ATOMIC_REQUESTS)
    return sent


def _mail_code(user, code: str, *, expires_at: int) -> None:
    context = {"user": user, "code": f"{code[:3]} {code[3:]}", "issuer": app_settings().issuer,
               "until": as_datetime(expires_at), "support_contact": app_settings().support_contact}
    try:
        send_mail(f"Your code to set up multi-factor authentication: {code}",
                  render_to_string("mfa/email/mailbox_code.txt", context), None, [user.email])
    except (OSError, smtplib.SMTPException):
        logger.warning("Could not send the setup code mail for user %s", user.pk)


def verify_mailbox_code(request, user, code: str, *, now: int) -> None:
    """Accept the code mailed to this session (``code``: 6 digits, spaces and dashes ignored). A wrong code
    counts toward the back-off and lockout every second factor of the user shares (``lockout``), besides the
    code's own ``MAX_TRIES``. Raises MalformedCodeError, WrongMailboxCodeError (``retry_after``: seconds
    before the next try), MailboxCodeExpiredError (not counted: nothing was compared), ThrottledError or
    LockedError (nothing checked, no try of the code used); each refusal is audited (``mfa.code_failed``,
    reason ``invalid_mailbox_code`` or ``mailbox_code_expired``; ``mfa.throttled``), success
    ``mfa.mailbox_verified`` (``via`` email)."""
    try:
        normalized = otp.normalize_code(code, digits=6)
    except otp.InvalidCodeFormat as exc:
        raise MalformedCodeError("Enter the 6 digits from the e-mail, like 123 456.") from exc
    with transaction.atomic():
        guard = lockout.acquire(user, factor=lockout.MAILBOX_CODE, now=now, request=request)
        error = guard.refused or _check_mailed(guard, normalized, now=now)
    if error is not None:
        raise error


def _check_mailed(guard: lockout.Guard, code: str, *, now: int) -> MfaError | None:
    request, user = guard.request, guard.user
    outcome = check_code(request, user, code, now=now)
    if outcome == "ok":
        guard.succeeded()
        events.record(events.MFA_MAILBOX_VERIFIED, actor=user, subject=user, request=request, via=EMAIL)
        return None
    if outcome == "wrong":
        return guard.failed(WrongMailboxCodeError())
    return guard.not_counted(MailboxCodeExpiredError())  # none sent, run out or used up: nothing compared


def record_invitation_proof(request, user, *, now: int) -> None:
    """The first time a setup relies on an invitation link as the proof: audit it and keep it as the proof."""
    if _state(request, user).get("proven_at") is None:
        with transaction.atomic():
            events.record(events.MFA_MAILBOX_VERIFIED, actor=user, subject=user, request=request, via=INVITATION)
        mark_proven(request, user, INVITATION, now=now)


def may_show_setup(request, user, *, now: int) -> bool:
    """True when this session may see a QR code for ``user``: no proof needed, or the mailbox is proven
    (an invitation proof is audited the first time a setup relies on it)."""
    if not needs_proof(user):
        return True
    via = proven(request, user, now=now)
    if via == INVITATION:
        record_invitation_proof(request, user, now=now)
    return via is not None
