"""Throttling of wrong passwords, per account and per client IP, in Django's cache.

In production the cache is Redis (``REDIS_URL``), shared by every app server; the demo uses a table of its
database, shared by its processes (``twostep.ops.dbcache``).
Each wrong password from a browser the account does not know counts against two keys with the back-off of
``twostep.accounts.backoff``:

- the account: an HMAC (keyed with ``SECRET_KEY``) of the canonical e-mail (``accounts.addresses``: every
  spelling of one address counts together), so addresses never sit in the cache in clear. Unknown e-mails
  (an address that is refused, or only looks like an account's, included) count exactly like known ones, so
  the limit tells nothing about which accounts exist. A correct password from such a browser resets this
  counter, and so does a completed password reset (``lift_account_wait``).
- the client IP (IPv6 addresses per /64), with more free failures because many people may share one
  address. A correct password does not reset it. Behind ``TWOSTEP_PROXY_COUNT`` reverse proxies the client
  is the address that many entries from the right of ``X-Forwarded-For`` (each proxy appends the address
  it saw), else ``REMOTE_ADDR``.

A try from a browser with a valid device cookie of the account (``twostep.accounts.device_cookies``) counts against
that cookie's own counter instead (``device``: the cookie's nonce), with the same back-off, and is not held up
by the two counters above: a stranger's failures from unknown browsers never delay the member's known browser.

A counter is forgotten ``TWOSTEP_PASSWORD_FAILURE_WINDOW`` seconds after its first failure. There is no
lockout for passwords (it would let anyone lock anyone out), only waits of up to 15 minutes.
One password of an account is checked at a time (``account_slot``): tries sent at the same moment would
otherwise all pass the wait before the first of them was counted. Times are Unix seconds; cache timeouts
are seconds.
"""

import ipaddress
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from twostep import counters
from twostep.accounts.addresses import comparable_email
from twostep.accounts.backoff import Schedule, describe_wait
from twostep.accounts.conf import throttle_settings
from twostep.audit import events
from twostep.audit.client import client_address

PREFIX = "twostep:pw"
SLOT_SECONDS = 10  # the longest a check may hold an account's slot (the slot of a crashed worker expires)
BUSY_RETRY_AFTER = 1  # seconds a try waits while another one of the same account is being checked


def message(retry_after: int) -> str:
    return (f"Too many failed sign-in attempts. For your security, wait {describe_wait(retry_after)} "
            "before you try again.")


def account_key(email: str) -> str:
    normalized = comparable_email(email)
    return f"{PREFIX}:account:{salted_hmac('twostep.password-throttle', normalized).hexdigest()}"


def client_ip(request) -> str | None:
    """The client address as counted: IPv4 as is, IPv6 as its /64 network; None when unknown."""
    raw = client_address(request) if request is not None else None
    if raw is None:
        return None
    address = ipaddress.ip_address(raw)
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.IPv6Network((int(address) >> 64 << 64, 64)))


def device_key(device: str) -> str:
    """The counter of one device cookie, by its nonce (hashed: the cache never holds a cookie's parts)."""
    return f"{PREFIX}:device:{salted_hmac('twostep.device-throttle', device).hexdigest()}"


def _counters(request, email: str, device: str | None = None) -> list[tuple[str, Schedule]]:
    conf = throttle_settings()
    if device is not None:
        return [(device_key(device), conf.schedule)]
    counters = [(account_key(email), conf.schedule)]
    ip = client_ip(request)
    if ip is not None:
        counters.append((f"{PREFIX}:ip:{ip}", conf.ip_schedule))
    return counters


@contextmanager
def account_slot(email: str):
    """Yields True when this request holds the account's password-check slot (for the block), False while
    another request is checking a password of the same account (then answer with BUSY_RETRY_AFTER).
    Unknown e-mails have slots just like real ones."""
    key = f"{account_key(email)}:checking"
    held = cache.add(key, 1, timeout=SLOT_SECONDS)
    try:
        yield held
    finally:
        if held:
            cache.delete(key)


def retry_after(request, email: str, *, now: int, device: str | None = None) -> int:
    """Seconds before this account or this client (with ``device``: this device cookie) may try a password
    again (0: now)."""
    untils = cache.get_many([f"{key}:until" for key, _ in _counters(request, email, device)])
    return max([until - now for until in untils.values()] + [0])


def record_failure(request, email: str, *, now: int, device: str | None = None) -> int:
    """Count one wrong password (or unknown e-mail) against the account and the client IP, or with ``device``
    against that device cookie only; returns the seconds before the next try (0: now)."""
    window = throttle_settings().password_failure_window
    waits = [0]
    for key, schedule in _counters(request, email, device):
        wait = schedule.backoff_seconds(counters.count(key, window=window))
        if wait:
            cache.set(f"{key}:until", now + wait, timeout=wait)
        waits.append(wait)
    return max(waits)


def device_failures(device: str) -> int:
    """Wrong passwords counted against the device cookie with nonce ``device`` (within the window)."""
    return cache.get(device_key(device)) or 0


def record_success(email: str, *, device: str | None = None) -> None:
    """A correct password: forget the account's wrong passwords (the client IP's stay counted). With
    ``device`` only that device cookie's are forgotten: the member's known browser gives a stranger's
    unknown browsers no fresh tries."""
    key = account_key(email) if device is None else device_key(device)
    cache.delete_many([key, f"{key}:until"])


def lift_account_wait(sender=None, *, event, **kwargs) -> None:
    """Receiver of ``audit.events.event_recorded``: a committed password reset forgets the account's wrong
    passwords, so unknown browsers may try again at once (whoever reset it holds the mailbox). Client IP
    and device cookie counters stay."""
    if event.action != events.PASSWORD_RESET or event.subject_id is None:
        return
    email = get_user_model()._default_manager.filter(pk=event.subject_id).values_list("email", flat=True).first()
    if email is not None:
        record_success(email)
