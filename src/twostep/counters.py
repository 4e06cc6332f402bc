"""Counting in Django's cache, shared by every process (Redis in production, a database table in the demo).

Infrastructure beside settings, not an app: it imports no twostep app, so the password throttle, the reset-mail
limits and the mailbox-code limits count the same way.
"""

from django.core.cache import cache


def count(key: str, *, window: int) -> int:
    """Add one to ``key``, created for ``window`` seconds on first use; returns the new count. A key that expires
    between the two steps starts a new window at 1."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1
