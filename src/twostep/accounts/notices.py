"""Security notices: a short plain-text e-mail to the user after a change to how they sign in.

``schedule`` renders the notice and sends it once the caller's transaction commits (a change that rolls back
sends nothing), through Django's e-mail backend. A mail server failure is logged without the message and
never undoes or hides the change. ``send_after_commit`` is that one way of sending, for every mail that
follows a change (the MFA notices, the reset notice, the hold reports). Each notice is one template,
``<app>/email/<name>.txt``, given ``user``, ``issuer``, ``when`` ("30 November 2026 at 14:05 UTC (15:05
Europe/Berlin)"), ``ip`` (or ""), ``browser`` ("Chrome on Windows", or "") and ``support_contact`` (or "").
The notices never carry a secret, a code or a password.
"""

import logging
import smtplib
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string

from twostep import clock
from twostep.accounts.browsers import request_browser
from twostep.accounts.conf import app_settings
from twostep.audit.client import client_address
from twostep.clock import as_datetime

logger = logging.getLogger(__name__)

# name -> subject; the body is the template accounts/email/<name>.txt
SUBJECTS = {
    "password_changed": "Your password was changed",
    "password_reset": "Your password was reset",
}


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def when(now: int) -> str:
    """``now`` (Unix seconds) as the notices write it: in UTC, then in the site's time zone
    (``TWOSTEP_TIME_ZONE``) unless that is UTC, with its date when the day differs:
    "30 November 2026 at 23:30 UTC (1 December 2026 at 00:30 Europe/Berlin)"."""
    moment = as_datetime(now)
    text = f"{_day(moment)} at {moment:%H:%M} UTC"
    zone = app_settings().time_zone
    if zone in ("UTC", "Etc/UTC"):
        return text
    local = moment.astimezone(ZoneInfo(zone))
    day = "" if local.date() == moment.date() else f"{_day(local)} at "
    return f"{text} ({day}{local:%H:%M} {zone})"


def schedule(user, template: str, subject: str, *, request=None, now: int | None = None, **context) -> None:
    """Send ``template`` (a path without ``.txt``) with ``subject`` to ``user.email`` after the commit.

    ``now`` in Unix seconds (default: the clock); ``request`` gives the IP address shown, when there is one;
    ``context`` adds template variables (never secrets)."""
    ip = (client_address(request) or "") if request is not None else ""  # as the audit trail records it
    conf = app_settings()
    context = {"user": user, "issuer": conf.issuer, "ip": ip, "browser": request_browser(request),
               "when": when(clock.now() if now is None else now), "support_contact": conf.support_contact,
               **context}
    message = EmailMessage(subject, render_to_string(f"{template}.txt", context), to=[user.email])
    send_after_commit([message], failure=f"Could not send the {template.rsplit('/', 1)[-1]} notice for user {user.pk}")


def send_after_commit(messages: list[EmailMessage], *, failure: str) -> None:
    """Send ``messages`` over one connection once the caller's transaction commits (nothing when it rolls back).
    A mail server failure is logged as ``failure`` (say what and whose, never an address or the content) and
    never undoes or hides the change."""
    transaction.on_commit(lambda: _send(messages, failure), robust=True)


def _send(messages: list[EmailMessage], failure: str) -> None:
    if not messages:
        return
    try:
        with get_connection() as connection:
            connection.send_messages(messages)
    except (OSError, smtplib.SMTPException):
        logger.warning(failure)


def notify(user, name: str, *, request=None) -> None:
    """Schedule the account notice ``name`` (a key of ``SUBJECTS``) for ``user``."""
    schedule(user, f"accounts/email/{name}", SUBJECTS[name], request=request)
