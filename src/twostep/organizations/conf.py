"""Settings of the organizations app, read lazily from Django settings (``TWOSTEP_*``). The clock is
``twostep.clock`` (``TWOSTEP_CLOCK``).

| setting                     | default                 | meaning                                             |
|-----------------------------|-------------------------|-----------------------------------------------------|
| TWOSTEP_INVITATION_MAX_AGE  | 604800 (7 days)         | seconds an invitation link stays valid              |
| TWOSTEP_BASE_URL            | "http://127.0.0.1:8000" | scheme and host put in front of links in e-mails    |
"""

from django.conf import settings

from twostep.accounts.conf import DEFAULT_BASE_URL


def invitation_max_age() -> int:
    return getattr(settings, "TWOSTEP_INVITATION_MAX_AGE", 7 * 24 * 60 * 60)


def invitation_lifetime() -> str:
    """``TWOSTEP_INVITATION_MAX_AGE`` for people: "7 days", "1 hour", "90 minutes"."""
    seconds = invitation_max_age()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def absolute_url(path: str) -> str:
    """``path`` (starting with "/") behind ``TWOSTEP_BASE_URL``, for links in e-mails sent without a request."""
    return getattr(settings, "TWOSTEP_BASE_URL", DEFAULT_BASE_URL).rstrip("/") + path
