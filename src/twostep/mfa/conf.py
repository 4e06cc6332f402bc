"""twostep's MFA settings, typed and read lazily from Django settings (``TWOSTEP_*``).

| setting                         | default        | meaning                                                  |
|---------------------------------|----------------|----------------------------------------------------------|
| TWOSTEP_ISSUER                  | "twostep"      | issuer shown in the authenticator app (no ":")           |
| TWOSTEP_TOTP_WINDOW             | 1              | time steps accepted either side of the current one (skew)|
| TWOSTEP_TOTP_PERIOD             | 30             | seconds per time step for new authenticators             |
| TWOSTEP_TOTP_DIGITS             | 6              | digits per code for new authenticators                   |
| TWOSTEP_TOTP_ALGORITHM          | "sha1"         | HMAC hash for new authenticators                         |
| TWOSTEP_PENDING_TIMEOUT         | 300            | seconds between password and code before starting over   |
| TWOSTEP_PENDING_MAX_ATTEMPTS    | 5              | wrong codes allowed in one pending sign-in               |
| TWOSTEP_CLOCK                   | None           | callable returning Unix seconds (tests); None = time.time|
"""

import time
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class MfaSettings:
    issuer: str
    window: int
    period: int
    digits: int
    algorithm: str
    pending_timeout: int
    pending_max_attempts: int


def app_settings() -> MfaSettings:
    """The current values (read on each call, so ``override_settings`` works in tests)."""
    return MfaSettings(
        issuer=getattr(settings, "TWOSTEP_ISSUER", "twostep"),
        window=getattr(settings, "TWOSTEP_TOTP_WINDOW", 1),
        period=getattr(settings, "TWOSTEP_TOTP_PERIOD", 30),
        digits=getattr(settings, "TWOSTEP_TOTP_DIGITS", 6),
        algorithm=getattr(settings, "TWOSTEP_TOTP_ALGORITHM", "sha1"),
        pending_timeout=getattr(settings, "TWOSTEP_PENDING_TIMEOUT", 300),
        pending_max_attempts=getattr(settings, "TWOSTEP_PENDING_MAX_ATTEMPTS", 5),
    )


def now() -> int:
    """The current time in integer Unix seconds, from ``TWOSTEP_CLOCK`` when set (tests inject it)."""
    clock = getattr(settings, "TWOSTEP_CLOCK", None)
    return int(clock() if clock is not None else time.time())
