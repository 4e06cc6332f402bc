"""Settings of the accounts app, typed and read lazily from Django settings (``TWOSTEP_*``).

The settings module reads each from the environment variable of the same name and stops start-up on a value out
of range: the ranges are in ``twostep.tuning`` and the README's Configuration table. The clock is
``twostep.conf`` (``TWOSTEP_CLOCK``).
"""

from dataclasses import dataclass

from django.conf import settings

# --- notices, password rules, password-reset mail ---------------------------------------------------------------
#
# | setting                          | default                 | meaning                                       |
# |----------------------------------|-------------------------|-----------------------------------------------|
# | TWOSTEP_ISSUER                   | "twostep"               | the site's name in notices; no password may   |
# |                                  |                         | contain it (``validators``)                   |
# | TWOSTEP_SUPPORT_CONTACT          | ""                      | how to reach support, in notices; "" = none   |
# | TWOSTEP_BASE_URL                 | "http://127.0.0.1:8000" | scheme and host in front of links in e-mails  |
# | TIME_ZONE (TWOSTEP_TIME_ZONE)    | "UTC"                   | the site's zone, beside UTC in notices        |
# | TWOSTEP_RESET_MAILS_PER_ADDRESS  | 3                       | reset mails to one address per window         |
# | TWOSTEP_RESET_MAILS_PER_CLIENT   | 20                      | reset requests from one client IP per window  |
# | TWOSTEP_RESET_MAIL_WINDOW        | 3600                    | seconds those two counters last               |

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class AccountsSettings:
    issuer: str
    support_contact: str
    base_url: str
    time_zone: str
    reset_mails_per_address: int
    reset_mails_per_client: int
    reset_mail_window: int


def app_settings() -> AccountsSettings:
    """The current values (read on each call, so ``override_settings`` works in tests)."""
    return AccountsSettings(
        issuer=getattr(settings, "TWOSTEP_ISSUER", "twostep"),
        support_contact=getattr(settings, "TWOSTEP_SUPPORT_CONTACT", ""),
        base_url=getattr(settings, "TWOSTEP_BASE_URL", DEFAULT_BASE_URL),
        time_zone=getattr(settings, "TIME_ZONE", "UTC") or "UTC",
        reset_mails_per_address=getattr(settings, "TWOSTEP_RESET_MAILS_PER_ADDRESS", 3),
        reset_mails_per_client=getattr(settings, "TWOSTEP_RESET_MAILS_PER_CLIENT", 20),
        reset_mail_window=getattr(settings, "TWOSTEP_RESET_MAIL_WINDOW", 3600),
    )

# --- end of notices, password rules, password-reset mail ----------------------------------------------------------
