"""Device cookies: a browser that completed a sign-in is known to that account, so a stranger's wrong passwords
from other browsers do not hold it up (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").

A completed sign-in (``journey.complete``: the password and, where MFA applies, the code or a recovery code)
gives the browser a new device cookie for the account; the password step alone never does. At a later password
try for that account ``known_device`` returns the cookie's nonce when the cookie holds, and
``password_throttle`` then checks and counts the try against that cookie's own counter only, with the same
back-off; tries without one (unknown browsers) keep the per-account and per-client-IP counters.

- Name ``twostep_device_<tag>``, ``tag`` 16 hex digits of an HMAC of the normalized e-mail: one browser can be
  known to several accounts (a shared computer), and the name does not show the address.
- Value: ``{"a": HMAC-SHA256 of the normalized e-mail (hex), "n": nonce (128 random bits), "t": issued at (Unix
  seconds)}`` signed with Django's signing (``SECRET_KEY``; ``SECRET_KEY_FALLBACKS`` still accepted) under
  ``SALT``. HttpOnly, SameSite=Lax, Secure when the session cookie is (production), Max-Age
  ``TWOSTEP_DEVICE_COOKIE_AGE`` seconds.

A cookie counts for nothing (its browser is unknown) when its signature fails, it was issued for another account,
it is older than ``TWOSTEP_DEVICE_COOKIE_AGE``, or it has ``TWOSTEP_DEVICE_COOKIE_MAX_FAILURES`` (OWASP's N, 10)
wrong passwords within ``TWOSTEP_PASSWORD_FAILURE_WINDOW``: OWASP's lockout list, which "has the same effect as if
the client had no device cookie". A stolen cookie is thus no unlimited oracle. A device cookie only chooses the
counter: it signs nobody in and skips no step. Every completed sign-in issues a fresh nonce (a fresh counter).
"""

import secrets

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from twostep.accounts import password_throttle
from twostep.accounts.addresses import comparable_email
from twostep.accounts.conf import throttle_settings

SALT = "twostep.device-cookie"
NAME_PREFIX = "twostep_device_"
_ISSUED = "_twostep_device_cookie"  # request attribute: (name, value) for DeviceCookieMiddleware to set


def _keys() -> list[str]:
    """The secret key, then its fallbacks: cookies issued before a key rotation stay known while it is kept."""
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def _account_hmac(email: str, purpose: str, key: str | None = None) -> str:
    return salted_hmac(f"{SALT}.{purpose}", comparable_email(email), secret=key or settings.SECRET_KEY,
                       algorithm="sha256").hexdigest()


def cookie_name(email: str, key: str | None = None) -> str:
    """The name of the device cookie of ``email``'s account (any spelling of the address), under ``key``
    (default: the secret key)."""
    return NAME_PREFIX + _account_hmac(email, "name", key)[:16]


def make_value(email: str, *, now: int) -> str:
    """A new signed device cookie value for ``email``'s account, issued at ``now`` (Unix seconds)."""
    payload = {"a": _account_hmac(email, "account"), "n": secrets.token_urlsafe(16), "t": now}
    return signing.Signer(salt=SALT).sign_object(payload)


def issue(request, user, *, now: int) -> None:
    """Give this browser a new device cookie of ``user``, set on the response by ``DeviceCookieMiddleware``.
    Call it only once the whole sign-in is complete."""
    setattr(request, _ISSUED, (cookie_name(user.email), make_value(user.email, now=now)))


def nonce_of(value: str | None, email: str, *, now: int, key: str | None = None) -> str | None:
    """The nonce of ``value`` when it is a well-signed, unexpired device cookie of ``email``'s account (issued
    under ``key``, default the secret key), else None (forged, tampered with, another account's, expired,
    malformed)."""
    if not value:
        return None
    try:
        payload = signing.Signer(salt=SALT).unsign_object(value)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(payload, dict):
        return None
    account, nonce, issued = payload.get("a"), payload.get("n"), payload.get("t")
    if not (isinstance(account, str) and isinstance(nonce, str) and type(issued) is int):
        return None
    if not constant_time_compare(account, _account_hmac(email, "account", key)):
        return None
    return nonce if now - issued <= throttle_settings().device_cookie_age else None


def known_device(request, email: str, *, now: int) -> str | None:
    """The nonce of this browser's device cookie for ``email`` when the cookie holds and is still trusted
    (fewer than ``TWOSTEP_DEVICE_COOKIE_MAX_FAILURES`` wrong passwords through it), else None: an unknown
    browser. ``now`` in Unix seconds."""
    if request is None:
        return None
    nonces = (nonce_of(request.COOKIES.get(cookie_name(email, key)), email, now=now, key=key) for key in _keys())
    nonce = next((nonce for nonce in nonces if nonce is not None), None)
    if nonce is None or password_throttle.device_failures(nonce) >= throttle_settings().device_cookie_max_failures:
        return None
    return nonce


class DeviceCookieMiddleware:
    """Sets the device cookie that ``issue`` chose for this request on its response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        issued = getattr(request, _ISSUED, None)
        if issued is not None:
            name, value = issued
            response.set_cookie(name, value, max_age=throttle_settings().device_cookie_age,
                                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
        return response
