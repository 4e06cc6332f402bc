""""Someone signed in with your password but did not have your code": the notice to the user.

A pending sign-in (password right, code not yet) leads to the notice when
- it reaches ``WRONG_CODES`` (3) wrong codes or recovery codes (a replayed code is no guess and does not
  count), or ends at its limit of wrong codes; or
- it ends with at least one wrong code and no right one: ``cancelled`` (sign-out), ``expired`` (seen at
  the session's next request) or ``left`` (nobody came back: ``check_left`` runs after the deadline, a
  delayed task queued at the first wrong code, see ``twostep.tasks.enqueue_in``).

At most one notice per user every ``INTERVAL`` (3600) seconds, whichever app server or process sends it: the
mark is the audit trail itself. ``send`` locks the user's row and sends only when the user has no
``mfa.password_without_code_notice`` event of the last hour, in the transaction that records the new one.
So the bound holds on every server and process (the demo's gunicorn workers keep separate local caches),
survives a cache flush, and follows the clock passed in.

What this module keeps in the session (``SESSION_KEY``), beside the pending sign-in it belongs to (matched by
its ``started_at`` and user): the client of the latest wrong code and whether the notice about this sign-in
has gone out (a notice held back by the hour has not: the sign-in may still be told about once the hour is
over, e.g. when it is left).
"""

import json
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from twostep.accounts.browsers import browser_label
from twostep.audit import events
from twostep.audit.client import client_address
from twostep.audit.models import AuditEvent
from twostep.clock import as_datetime
from twostep.clock import now as clock_now
from twostep.mfa import notices
from twostep.mfa.authenticators import vault
from twostep.mfa.conf import app_settings
from twostep.mfa.signin import pending
from twostep.organizations.conf import absolute_url
from twostep.tasks import enqueue_in

WRONG_CODES = 3  # wrong codes in one pending sign-in that bring the notice at once
INTERVAL = 3600  # seconds: at most one notice per user in this time
CHECK_MARGIN = 5  # seconds after a pending sign-in's deadline that ``check_left`` looks at it
SESSION_KEY = "twostep_password_notice"
WRONG_CODE_REASON, CANCELLED, EXPIRED, LEFT = "wrong_codes", "cancelled", "expired", "left"


def wrong_code(request, state: pending.PendingSignIn, *, left: int, now: int) -> None:
    """After a wrong code of the pending sign-in ``state`` (``left``: the attempts left, 0 when it is over)."""
    wrong = app_settings().pending_max_attempts - left
    tracked = _tracked(request, state.user.pk, state.started_at, refresh=True)
    if wrong == 1 and left > 0:
        deadline = state.started_at + app_settings().pending_timeout
        enqueue_in(deadline - now + CHECK_MARGIN, check_left, _reference(request, state))
    if wrong >= WRONG_CODES or left == 0:
        _notify_once(request, tracked, reason=WRONG_CODE_REASON, wrong_codes=wrong, now=now)


def abandoned(request, *, reason: str, now: int) -> None:
    """The session's pending sign-in ends without a right code (``reason``: ``CANCELLED`` or ``EXPIRED``);
    call before it is cleared. Nothing happens unless it had a wrong code."""
    data = pending.raw(request)
    if not data or data.get("attempts", 0) < 1:
        return
    tracked = _tracked(request, data["user_id"], data["started_at"], refresh=False)
    _notify_once(request, tracked, reason=reason, wrong_codes=data["attempts"], now=now)


def check_left(reference: str) -> bool:
    """The delayed task: if the pending sign-in named by ``reference`` (sealed, see ``_reference``) is still
    in its session after its deadline, nobody came back to it: send the notice. Returns whether it was sent."""
    ref = json.loads(vault.unseal(reference))
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=ref["session_key"])
    data = session.get(pending.SESSION_KEY)
    if not data or (data["user_id"], data["started_at"]) != (ref["user_id"], ref["started_at"]):
        return False  # signed in (new session key), signed out, or seen at a later request
    now = clock_now()
    deadline = data["started_at"] + app_settings().pending_timeout
    if now <= deadline:  # early (clocks of servers differ): look again after the deadline
        enqueue_in(deadline - now + CHECK_MARGIN, check_left, reference)
        return False
    tracked = session.get(SESSION_KEY)
    if data.get("attempts", 0) < 1 or not _belongs(tracked, data["user_id"], data["started_at"]):
        return False
    sent = send(data["user_id"], reason=LEFT, wrong_codes=data["attempts"], started_at=data["started_at"],
                ip=tracked["ip"], agent=tracked["agent"], now=now)
    if sent:  # so that the attacker's tab, coming back later, is not told about again
        session[SESSION_KEY] = {**tracked, "notified": True}
        session.save()
    return sent


def send(user_id: int, *, reason: str, wrong_codes: int, started_at: int, ip: str | None, agent: str,
         now: int) -> bool:
    """The use case: e-mail the notice to the (active) user unless one went out in the last ``INTERVAL``
    seconds before ``now`` (Unix seconds), and record ``mfa.password_without_code_notice`` (``reason``,
    ``wrong_codes``; the client ``ip`` and ``agent`` of the sign-in). ``started_at``: when the password was
    given. One transaction; the mail goes once it commits. Returns whether the notice was sent."""
    since = as_datetime(now) - timedelta(seconds=INTERVAL)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or AuditEvent.objects.filter(action=events.PASSWORD_WITHOUT_CODE_NOTICE, subject_id=user.pk,
                                                     occurred_at__gt=since).exists():
            return False
        events.record(events.PASSWORD_WITHOUT_CODE_NOTICE, subject=user, client=(ip, agent), reason=reason,
                      wrong_codes=wrong_codes)
        notices.notify(user, "password_without_code", now=started_at, ip=ip or "", browser=browser_label(agent),
                       reason=reason, wrong_codes=wrong_codes,
                       change_password_url=absolute_url(reverse("mfa:change_password")))
    return True


def _notify_once(request, tracked: dict, *, reason: str, wrong_codes: int, now: int) -> None:
    """Send unless this pending sign-in was told about already (one held back by the hour is not)."""
    if not tracked["notified"] and send(tracked["user_id"], reason=reason, wrong_codes=wrong_codes,
                                        started_at=tracked["started_at"], ip=tracked["ip"], agent=tracked["agent"],
                                        now=now):
        request.session[SESSION_KEY] = {**tracked, "notified": True}


def _belongs(tracked, user_id: int, started_at: int) -> bool:
    return bool(tracked) and (tracked["user_id"], tracked["started_at"]) == (user_id, started_at)


def _tracked(request, user_id: int, started_at: int, *, refresh: bool) -> dict:
    """This pending sign-in's entry (a new one when the session holds another sign-in's); ``refresh`` records
    this request's client as the latest."""
    tracked = request.session.get(SESSION_KEY)
    if not _belongs(tracked, user_id, started_at):
        tracked = {"user_id": user_id, "started_at": started_at, "notified": False}
        refresh = True
    if refresh:
        tracked = {**tracked, "ip": client_address(request), "agent": request.META.get("HTTP_USER_AGENT", "")[:300]}
        request.session[SESSION_KEY] = tracked
    return tracked


def _reference(request, state: pending.PendingSignIn) -> str:
    """The pending sign-in for ``check_left``: its session key (sealed: the queue is no place for a session
    key in clear), user and start."""
    ref = {"session_key": request.session.session_key, "user_id": state.user.pk, "started_at": state.started_at}
    return vault.seal(json.dumps(ref).encode())
