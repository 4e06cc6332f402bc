"""*This wasn't me*: the owner of an account disowns an authenticator app that was set up on it.

Whoever set it up had the password; the owner proves only that they read the account's mailbox (the
link). So, in one transaction: the link is used up, that authenticator and the recovery codes issued with
it (or regenerated with it since) are deleted, every session of the account ends, the account is put on
hold until support has checked the person (``holds``), the event is audited
(``mfa.disowned``) and, after the commit, support and the admins of the user's organizations are told.
When that authenticator was replaced or removed meanwhile nothing is deleted (the current one is not the
one the owner disowned), but the account is held and reported all the same: it may be in hostile hands.
"""

from dataclasses import dataclass

from django.db import transaction

from twostep.accounts.notices import when
from twostep.accounts.sessions import end_all_sessions
from twostep.audit import events
from twostep.mfa.disown import holds, links, reports
from twostep.mfa.models import AccountHold, Authenticator, DisownLink
from twostep.mfa.recovery import codes as recovery_codes


@dataclass(frozen=True)
class Disowned:
    """What following the link did. ``removed``: the authenticator was still set up and is deleted, with
    ``recovery_codes`` unused recovery codes; else it had been replaced or removed meanwhile."""

    removed: bool
    recovery_codes: int
    hold: AccountHold


def _remove(link: DisownLink) -> tuple[bool, int]:
    """Delete the link's authenticator and the user's recovery codes, when it is still the one set up."""
    authenticator = (Authenticator.objects.select_for_update()
                     .filter(pk=link.authenticator_id, user_id=link.user_id, confirmed_at__isnull=False).first()
                     if link.authenticator_id else None)
    if authenticator is None:
        return False, 0
    authenticator.delete()
    return True, recovery_codes.delete_all(link.user)


def _hold_detail(link: DisownLink) -> str:
    origin = f" from IP address {link.ip}" if link.ip else ""
    browser = f" ({link.browser})" if link.browser else ""
    return (f"The owner said the authenticator app set up on {when(int(link.set_up_at.timestamp()))}"
            f"{origin}{browser} was not theirs.")


def disown_authenticator(link: DisownLink, *, now: int, request=None) -> Disowned:
    """Follow ``link`` (found with ``links.find_link``); ``now`` in Unix seconds.

    Raises UsedDisownLinkError or ExpiredDisownLinkError (also when another use won the race); then
    nothing changes."""
    user = link.user
    with transaction.atomic():
        links.claim(link, now=now)
        removed, codes = _remove(link)
        end_all_sessions(user)
        hold = holds.place_hold(user, reason=AccountHold.Reason.DISOWNED, detail=_hold_detail(link), now=now)
        events.record(events.MFA_DISOWNED, actor=user, subject=user, request=request, outcome="success",
                      authenticator_removed=removed, recovery_codes=codes, setup_ip=link.ip or "")
        reports.schedule_reports(user, link, removed=removed, now=now)
    return Disowned(removed=removed, recovery_codes=codes, hold=hold)
