"""The "MFA was set up" notice and its *This wasn't me* link.

Every confirmed authenticator (the first, a replacement, a voluntary one) gets one notice, sent after the
commit, with a link that works once and for ``LINK_MAX_AGE`` seconds. The link carries 32 random bytes
signed with the secret key (a tampered link is refused before any lookup); only their SHA-256 is stored,
in a ``DisownLink`` row. Following it is ``services``. Times are Unix seconds (``now``).
Errors are ``DisownLinkError`` subclasses with a stable ``code`` and the HTTP ``status`` of their page.
"""

import hashlib
import secrets

from django.core import signing
from django.urls import reverse

from twostep.accounts.browsers import request_browser
from twostep.clock import as_datetime
from twostep.errors import ServiceError
from twostep.mfa import notices
from twostep.mfa.models import DisownLink
from twostep.organizations.conf import absolute_url

SALT = "twostep.mfa.disown"
LINK_MAX_AGE = 7 * 24 * 60 * 60  # seconds
LINK_LIFETIME = "7 days"


class DisownLinkError(ServiceError):
    code = "disown_link_error"
    message = "This link cannot be used."
    status = 400


class InvalidDisownLinkError(DisownLinkError):
    code = "invalid"
    message = "This link is not valid. Check that you opened the whole link from the e-mail."


class UsedDisownLinkError(DisownLinkError):
    code = "used"
    message = "This link has already been used: what it does was done when it was first followed."
    status = 410


class ExpiredDisownLinkError(DisownLinkError):
    code = "expired"
    message = ("This link has expired (it works for 7 days). If you did not set up the authenticator app, "
               "contact support now.")
    status = 410


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(token: str) -> str:
    """The absolute URL mailed to the user (``TWOSTEP_BASE_URL`` + the signed token)."""
    return absolute_url(reverse("mfa:disown_open", args=[signing.Signer(salt=SALT).sign(token)]))


def announce_enrollment(user, authenticator, *, replaced: bool, now: int, request=None) -> DisownLink:
    """In the caller's transaction: store a new link for ``authenticator`` (just confirmed, with its
    ``confirmed_ip``) and schedule the notice to ``user`` for after the commit. ``replaced``: it replaced
    an earlier authenticator, which the notice says."""
    token = secrets.token_urlsafe(32)
    link = DisownLink.objects.create(
        user=user, authenticator=authenticator, token_hash=_hash(token), set_up_at=as_datetime(now),
        ip=authenticator.confirmed_ip, browser=request_browser(request)[:100],
        expires_at=as_datetime(now + LINK_MAX_AGE),
    )
    notices.notify(user, "mfa_enrolled", request=request, now=now, replaced=replaced, link=link_url(token),
                   lifetime=LINK_LIFETIME, ip=link.ip or "", browser=link.browser)
    return link


def find_link(signed_token: str) -> DisownLink:
    """The link of a signed token; raises InvalidDisownLinkError (tampered, unknown or empty)."""
    try:
        token = signing.Signer(salt=SALT).unsign(signed_token or "")
    except signing.BadSignature as exc:
        raise InvalidDisownLinkError() from exc
    link = DisownLink.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if link is None:
        raise InvalidDisownLinkError()
    return link


def check_open(link: DisownLink, *, now: int) -> None:
    """Raise UsedDisownLinkError or ExpiredDisownLinkError unless ``link`` can still be followed: unused,
    up to and including ``expires_at``."""
    if link.used_at is not None:
        raise UsedDisownLinkError()
    if as_datetime(now) > link.expires_at:
        raise ExpiredDisownLinkError()


def claim(link: DisownLink, *, now: int) -> None:
    """Mark ``link`` used with one conditional UPDATE, so of two concurrent uses exactly one wins; the
    other raises (UsedDisownLinkError or ExpiredDisownLinkError)."""
    claimed = DisownLink.objects.filter(pk=link.pk, used_at__isnull=True,
                                        expires_at__gte=as_datetime(now)).update(used_at=as_datetime(now))
    if claimed != 1:
        link.refresh_from_db()
        check_open(link, now=now)
        raise UsedDisownLinkError()
    link.used_at = as_datetime(now)
