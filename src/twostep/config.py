"""Reading configuration from the environment, with the demo profile's kept secrets.

Errors name the variable: ``ImproperlyConfigured("TWOSTEP_SECRET_KEY is not set ...")``. The settings
module reads every variable through ``Problems`` so that start-up reports all of them at once, one per line.
"""

import os
import secrets
import zoneinfo
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

PROFILES = ("demo", "production")
ARGON2_HASHER = "twostep.accounts.hashing.Argon2idPasswordHasher"  # Django's, with TWOSTEP_ARGON2_*


class Problems:
    """Configuration errors collected while the settings are read, raised together by ``raise_any``."""

    def __init__(self):
        self.messages: list[str] = []

    def read(self, func, *args, fallback=None, **kwargs):
        """``func(*args, **kwargs)``; on ImproperlyConfigured, notes its message and returns ``fallback``."""
        try:
            return func(*args, **kwargs)
        except ImproperlyConfigured as exc:
            self.messages.append(str(exc))
            return fallback

    def add(self, message: str) -> None:
        self.messages.append(message)

    def raise_any(self) -> None:
        """Raises one ImproperlyConfigured whose message has one line per problem, in reading order."""
        if self.messages:
            raise ImproperlyConfigured("\n".join(self.messages))


def env(name: str, default: str) -> str:
    """The variable's value, or ``default`` when it is unset or empty."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable: 1/true/yes/on or 0/false/no/off; raises ImproperlyConfigured otherwise."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 2**31) -> int:
    """A whole number in [minimum, maximum]; raises ImproperlyConfigured naming ``name`` otherwise."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not minimum <= int(raw) <= maximum:
        raise ImproperlyConfigured(f"{name} must be a whole number from {minimum} to {maximum}")
    return int(raw)


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (case-insensitive, returned as listed); raises ImproperlyConfigured otherwise."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}")


def env_time_zone(name: str, default: str) -> str:
    """An IANA time zone name such as ``Europe/Berlin``; raises ImproperlyConfigured naming ``name`` otherwise."""
    value = env(name, default).strip()
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name} must be an IANA time zone name such as UTC or Europe/Berlin, "
                                   f"not {value!r}") from None
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated variable as a list of non-empty, stripped items."""
    raw = os.environ.get(name, "")
    items = [item.strip() for item in raw.split(",") if item.strip()]
    return items or default


def profile() -> str:
    value = env("TWOSTEP_PROFILE", "demo")
    if value not in PROFILES:
        raise ImproperlyConfigured(f"TWOSTEP_PROFILE must be one of {', '.join(PROFILES)}, not {value!r}")
    return value


def check_password_hashers(hashers: list[str]) -> None:
    """In the production profile (read from the environment, whatever the settings module says), twostep's
    Argon2idPasswordHasher must be the only password hasher; raises ImproperlyConfigured naming the first other one.
    Called when the apps are ready, so a settings module built on twostep.settings cannot swap in another one."""
    if profile() != "production":
        return
    others = [path for path in hashers if path != ARGON2_HASHER] or ([] if hashers else ["an empty list"])
    if others:
        raise ImproperlyConfigured(f"PASSWORD_HASHERS must be {ARGON2_HASHER} alone in the production profile, "
                                   f"not {others[0]}: passwords are hashed with Argon2id only")


def data_dir() -> Path:
    path = Path(env("TWOSTEP_DATA_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _new_secret(kind: str) -> str:
    return Fernet.generate_key().decode() if kind == "fernet" else secrets.token_urlsafe(50)


def kept_secret(variable: str, filename: str, *, kind: str) -> str:
    """The secret from ``variable``; in the demo profile, else one generated once into the data folder.

    In the production profile a missing variable raises ImproperlyConfigured naming it.
    """
    value = os.environ.get(variable, "").strip()
    if value:
        return value.split(",")[0] if kind == "fernet" else value
    if profile() == "production":
        raise ImproperlyConfigured(
            f"{variable} is not set: the production profile reads every secret from the environment"
        )
    path = data_dir() / filename
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(_new_secret(kind))
    return path.read_text().strip()
