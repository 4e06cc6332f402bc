"""Settings of the accounts app, typed and read lazily from Django settings (``TWOSTEP_*``), like
``twostep.mfa.conf``: each is read on every call, so ``override_settings`` works in tests. The settings module
reads them from the environment and stops start-up on a value out of range (names and ranges in
``twostep.tuning`` and the README's Configuration table); ``twostep.mfa.checks`` checks the throttle settings
at start-up with the other throttle settings. The clock is ``twostep.clock``.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

from twostep.accounts.backoff import Schedule

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


# --- Password throttling and device cookies (``password_throttle``, ``device_cookies``) -----------------------
#
# | setting                            | default  | meaning                                                     |
# |------------------------------------|----------|-------------------------------------------------------------|
# | TWOSTEP_THROTTLE_FREE_FAILURES     | 5        | wrong passwords per account (or per device cookie) before   |
# |                                    |          | the next try must wait (the same setting as for wrong codes) |
# | TWOSTEP_THROTTLE_BASE_DELAY        | 30       | seconds of the first wait; each further failure doubles it  |
# | TWOSTEP_THROTTLE_MAX_DELAY         | 900      | the longest wait in seconds (15 minutes)                    |
# | TWOSTEP_PASSWORD_IP_FREE_FAILURES  | 20       | wrong passwords from one client IP (IPv6: per /64) before   |
# |                                    |          | its next try waits; more than per account (shared NAT)      |
# | TWOSTEP_PASSWORD_FAILURE_WINDOW    | 86400    | seconds after its first failure that a password counter is  |
# |                                    |          | forgotten (a correct password resets the account's)         |
# | TWOSTEP_DEVICE_COOKIE_AGE          | 31536000 | seconds a device cookie (a browser that completed a sign-in)|
# |                                    |          | stays known: 365 days                                       |
# | TWOSTEP_DEVICE_COOKIE_MAX_FAILURES | 10       | wrong passwords through one device cookie within            |
# |                                    |          | TWOSTEP_PASSWORD_FAILURE_WINDOW after which the cookie is   |
# |                                    |          | distrusted (its browser counts as unknown); OWASP's N       |
#
# The counters live in Django's cache (``REDIS_URL``: Redis, shared by every app server; else a table of the
# database, shared by every process on it).


@dataclass(frozen=True)
class ThrottleSettings:
    throttle_free_failures: int
    throttle_base_delay: int
    throttle_max_delay: int
    password_ip_free_failures: int
    password_failure_window: int
    device_cookie_age: int
    device_cookie_max_failures: int

    @property
    def schedule(self) -> Schedule:
        """The back-off of wrong passwords per account (and per device cookie)."""
        return Schedule(self.throttle_free_failures, self.throttle_base_delay, self.throttle_max_delay)

    @property
    def ip_schedule(self) -> Schedule:
        """The same shape of back-off for wrong passwords per client IP, with more free failures."""
        return Schedule(self.password_ip_free_failures, self.throttle_base_delay, self.throttle_max_delay)


def throttle_settings() -> ThrottleSettings:
    """The current values of the password throttle and device cookie settings."""
    return ThrottleSettings(
        throttle_free_failures=getattr(settings, "TWOSTEP_THROTTLE_FREE_FAILURES", 5),
        throttle_base_delay=getattr(settings, "TWOSTEP_THROTTLE_BASE_DELAY", 30),
        throttle_max_delay=getattr(settings, "TWOSTEP_THROTTLE_MAX_DELAY", 900),
        password_ip_free_failures=getattr(settings, "TWOSTEP_PASSWORD_IP_FREE_FAILURES", 20),
        password_failure_window=getattr(settings, "TWOSTEP_PASSWORD_FAILURE_WINDOW", 86400),
        device_cookie_age=getattr(settings, "TWOSTEP_DEVICE_COOKIE_AGE", 365 * 86400),
        device_cookie_max_failures=getattr(settings, "TWOSTEP_DEVICE_COOKIE_MAX_FAILURES", 10),
    )

# --- end of password throttling and device cookies ---------------------------------------------------------


# --- Password hashing (``hashing``: its table has the meanings) -------------------------------------------------
#
# | setting                     | default                                   |
# |-----------------------------|-------------------------------------------|
# | TWOSTEP_ARGON2_TIME_COST    | Django's Argon2PasswordHasher's: 2        |
# | TWOSTEP_ARGON2_MEMORY_COST  | Django's: 102400 (KiB)                    |
# | TWOSTEP_ARGON2_PARALLELISM  | Django's: 8 (lanes)                       |


@dataclass(frozen=True)
class HashingSettings:
    argon2_time_cost: int  # passes
    argon2_memory_cost: int  # KiB
    argon2_parallelism: int  # lanes


def hashing_settings() -> HashingSettings:
    """The current Argon2id parameters of new password hashes (``hashing.argon2_parameters`` keeps them)."""
    return HashingSettings(
        argon2_time_cost=getattr(settings, "TWOSTEP_ARGON2_TIME_COST", Argon2PasswordHasher.time_cost),
        argon2_memory_cost=getattr(settings, "TWOSTEP_ARGON2_MEMORY_COST", Argon2PasswordHasher.memory_cost),
        argon2_parallelism=getattr(settings, "TWOSTEP_ARGON2_PARALLELISM", Argon2PasswordHasher.parallelism),
    )

# --- end of password hashing ------------------------------------------------------------------------------------
