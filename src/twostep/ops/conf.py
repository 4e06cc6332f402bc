"""Settings of the ops app, typed and read lazily from Django settings (``TWOSTEP_*``).

The settings module reads each from the environment variable of the same name and stops start-up on a bad value
(``twostep.backing``). What tasks need (``TWOSTEP_TASKS_ASYNC``, ``TWOSTEP_TASK_QUEUE``) and the clock are in
``twostep.conf``; the profile (``PRODUCTION``) and Django's own settings are read from ``django.conf.settings``.

| setting                  | default | meaning                                                                    |
|--------------------------|---------|----------------------------------------------------------------------------|
| TWOSTEP_METRICS_TOKEN    | ""      | the bearer token /metrics asks for (at least 32 characters); "" = /metrics |
|                          |         | open in the demo, off (404) in production                                  |
| TWOSTEP_SUPPORT_CONTACT  | ""      | how to reach support, shown on the error pages; "" = not shown             |
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class OpsSettings:
    metrics_token: str
    support_contact: str


def app_settings() -> OpsSettings:
    """The current values (read on each call, so ``override_settings`` works in tests)."""
    return OpsSettings(
        metrics_token=getattr(settings, "TWOSTEP_METRICS_TOKEN", ""),
        support_contact=getattr(settings, "TWOSTEP_SUPPORT_CONTACT", ""),
    )
