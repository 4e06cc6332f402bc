"""Settings of the accounts app, typed and read lazily from Django settings (``TWOSTEP_*``), like
``twostep.mfa.conf``: each is read on every call, so ``override_settings`` works in tests. The settings module
reads them from the environment (names and ranges in ``twostep.tuning``); ``twostep.mfa.checks`` checks them
at start-up with the other throttle settings.
"""

from dataclasses import dataclass

from django.conf import settings

from twostep.accounts.backoff import Schedule

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
