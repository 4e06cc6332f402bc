"""Settings of the audit app, typed and read lazily from Django settings (``TWOSTEP_*``).

The settings module reads each from the environment variable of the same name and stops start-up on a value out
of range (the README's Configuration table). The clock of the trail is ``twostep.clock`` (``TWOSTEP_CLOCK``).

| setting              | default | meaning                                                                       |
|----------------------|---------|-------------------------------------------------------------------------------|
| TWOSTEP_PROXY_COUNT  | 0       | reverse proxies in front of the app (0 to 10): the client IP is that many     |
|                      |         | entries from the right of X-Forwarded-For (``twostep.audit.client``)          |
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AuditSettings:
    proxy_count: int


def app_settings() -> AuditSettings:
    """The current values (read on each call, so ``override_settings`` works in tests)."""
    return AuditSettings(proxy_count=getattr(settings, "TWOSTEP_PROXY_COUNT", 0))
