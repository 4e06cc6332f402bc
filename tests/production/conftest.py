"""A complete, valid production-profile environment for subprocesses; tests change one variable at a time."""

import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet

# Values that must never appear in any output.
DATABASE_PASSWORD = "Db-pass-" + secrets.token_hex(8)
REDIS_PASSWORD = "Redis-pass-" + secrets.token_hex(8)
SMTP_PASSWORD = "Smtp-pass-" + secrets.token_hex(8)

OWN_PREFIXES = ("TWOSTEP_", "DATABASE_URL", "REDIS_URL", "EMAIL_", "DEFAULT_FROM_EMAIL", "ALLOWED_HOSTS",
                "CSRF_TRUSTED_ORIGINS", "PROMETHEUS_MULTIPROC_DIR", "DJANGO_")


def production_env(data_dir, **overrides) -> dict[str, str]:
    """os.environ without twostep's variables, plus a valid production configuration and ``overrides``
    (a value of None removes the variable)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(OWN_PREFIXES)}
    env.update({
        "TWOSTEP_PROFILE": "production",
        "TWOSTEP_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"postgresql://twostep:{DATABASE_PASSWORD}@127.0.0.1:5432/twostep",
        "REDIS_URL": f"redis://:{REDIS_PASSWORD}@127.0.0.1:6379/0",
        "TWOSTEP_SECRET_KEY": secrets.token_urlsafe(50),
        "TWOSTEP_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}",
        "TWOSTEP_METRICS_TOKEN": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "accounts.example.com",
        "TWOSTEP_BASE_URL": "https://accounts.example.com",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": "587",
        "EMAIL_USE_TLS": "true",
        "EMAIL_HOST_USER": "twostep",
        "EMAIL_HOST_PASSWORD": SMTP_PASSWORD,
        "DEFAULT_FROM_EMAIL": "Example Accounts <no-reply@example.com>",
    })
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def secret_values(env: dict[str, str]) -> list[str]:
    """Every secret in ``env`` (and each encryption key on its own)."""
    keys = env.get("TWOSTEP_ENCRYPTION_KEYS", "").split(",")
    return [v for v in [DATABASE_PASSWORD, REDIS_PASSWORD, SMTP_PASSWORD, env.get("TWOSTEP_SECRET_KEY", ""),
                        env.get("TWOSTEP_METRICS_TOKEN", ""), *keys] if len(v) >= 8]


def twostep(env: dict[str, str], *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run ``twostep ARGS`` (the console script's entry point) with ``env``."""
    return subprocess.run([sys.executable, "-m", "twostep.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
