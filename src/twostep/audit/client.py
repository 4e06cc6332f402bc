"""Who sent a request: the client's IP address, also behind reverse proxies (``TWOSTEP_PROXY_COUNT``).

Shared by the audit trail and the password throttle (``twostep.accounts.password_throttle``), so both name the
same client.
"""

import ipaddress

from twostep.audit.conf import app_settings


def client_address(request) -> str | None:
    """The client's IP address (text), or None when it is not an IP address.

    ``REMOTE_ADDR``, or behind ``TWOSTEP_PROXY_COUNT`` reverse proxies the address that many entries from
    the right of ``X-Forwarded-For`` (each proxy appends the address it saw; entries further left were sent
    by the client and are not trusted). With fewer entries than proxies, ``REMOTE_ADDR``."""
    raw = request.META.get("REMOTE_ADDR") or ""
    proxies = app_settings().proxy_count
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            raw = hops[-proxies]
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
