"""Throttling of wrong passwords, per account and per client IP, in Django's cache.

In production the cache is Redis (``REDIS_URL``), shared by every app server; the demo uses a table of its
database, shared by its processes (``twostep.ops.dbcache``).
Each wrong password counts against two keys with the back-off of ``twostep.mfa.throttling``:

- the account: an HMAC (keyed with ``SECRET_KEY``) of the canonical e-mail (``accounts.addresses``: every
  spelling of one address counts together), so addresses never sit in the cache in clear. Unknown e-mails
  (an address that is refused, or only looks like an account's, included) count exactly like known ones, so
  the limit tells nothing about which accounts exist. A correct password resets this counter.
- the client IP (IPv6 addresses per /64), with more free failures because many people may share one
  address. A correct password does not reset it. Behind ``TWOSTEP_PROXY_COUNT`` reverse proxies the client
  is the address that many entries from the right of ``X-Forwarded-For`` (each proxy appends the address
  it saw), else ``REMOTE_ADDR``.

A counter is forgotten ``TWOSTEP_PASSWORD_FAILURE_WINDOW`` seconds after its first failure. There is no
lockout for passwords (it would let anyone lock anyone out), only waits of up to 15 minutes.
One password of an account is checked at a time (``account_slot``): tries sent at the same moment would
otherwise all pass the wait before the first of them was counted. Times are Unix seconds; cache timeouts
are seconds.
"""

import ipaddress
from contextlib import contextmanager

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from twostep.accounts.addresses import comparable_email
from twostep.audit.client import client_address
from twostep.mfa.conf import app_settings
from twostep.mfa.throttling import Schedule, describe_wait

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


def _counters(request, email: str) -> list[tuple[str, Schedule]]:
    conf = app_settings()
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


def retry_after(request, email: str, *, now: int) -> int:
    """Seconds before this account or this client may try a password again (0: now)."""
    untils = cache.get_many([f"{key}:until" for key, _ in _counters(request, email)])
    return max([until - now for until in untils.values()] + [0])


def record_failure(request, email: str, *, now: int) -> int:
    """Count one wrong password (or unknown e-mail); returns the seconds before the next try (0: now)."""
    window = app_settings().password_failure_window
    waits = [0]
    for key, schedule in _counters(request, email):
        cache.add(key, 0, timeout=window)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)
            failures = 1
        wait = schedule.backoff_seconds(failures)
        if wait:
            cache.set(f"{key}:until", now + wait, timeout=wait)
        waits.append(wait)
    return max(waits)


def record_success(email: str) -> None:
    """A correct password: forget the account's wrong passwords (the client IP's stay counted)."""
    key = account_key(email)
    cache.delete_many([key, f"{key}:until"])
