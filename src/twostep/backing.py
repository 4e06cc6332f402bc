"""The backing services and keys, read from the environment and checked at start-up.

Every function raises ImproperlyConfigured naming the variable when a value is missing (production
profile) or malformed (any profile). Messages never repeat a value that may hold a secret: URLs carry
passwords, keys are keys.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

from twostep.config import Problems, env, env_bool, env_int, env_list, kept_secret

POSTGRES_SCHEMES = ("postgres", "postgresql")
REDIS_SCHEMES = ("redis", "rediss")
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
KEY_PREFIX_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{0,64}")
# Stand-ins that let the settings module read on after a bad value (start-up then stops, naming it).
CACHE_FALLBACK = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache", "KEY_PREFIX": "twostep"}}
EMAIL_FALLBACK = {"EMAIL_BACKEND": SMTP_BACKEND, "EMAIL_FILE_PATH": None, "EMAIL_HOST": "localhost", "EMAIL_PORT": 25,
                  "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": "", "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False,
                  "EMAIL_TIMEOUT": 10, "DEFAULT_FROM_EMAIL": ""}


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def database(*, production: bool, data_dir: Path) -> dj_database_url.DBConfig:
    """Django's ``DATABASES["default"]`` from ``DATABASE_URL``; PostgreSQL required in production."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url and production:
        raise ImproperlyConfigured("DATABASE_URL is not set: the production profile needs a PostgreSQL URL "
                                   "such as postgresql://twostep:PASSWORD@db.internal:5432/twostep")
    url = url or f"sqlite:///{data_dir / 'twostep.sqlite3'}"
    if production and _scheme(url) not in POSTGRES_SCHEMES:
        raise ImproperlyConfigured("DATABASE_URL must be a postgresql:// URL in the production profile")
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception:  # the library's errors quote the URL, which may hold a password
        raise ImproperlyConfigured("DATABASE_URL is not a valid database URL") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database (the path after the host, e.g. /twostep)")
    if config["ENGINE"] == "django.db.backends.postgresql":
        # A server that does not answer fails /readyz in seconds instead of hanging a worker.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    return config


def redis_url(*, production: bool) -> str:
    """``REDIS_URL`` (``redis://`` or ``rediss://``), "" when unset outside production."""
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        if production:
            raise ImproperlyConfigured("REDIS_URL is not set: the production profile keeps throttling counters "
                                       "and the task queue in Redis, e.g. redis://redis.internal:6379/0")
        return ""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError for a port that is not a number
    except ValueError:
        raise ImproperlyConfigured("REDIS_URL is not a valid URL") from None
    if parts.scheme not in REDIS_SCHEMES:
        raise ImproperlyConfigured("REDIS_URL must start with redis:// or rediss://")
    if not parts.hostname or not re.fullmatch(r"/?\d*", parts.path):
        raise ImproperlyConfigured("REDIS_URL must name a host and at most a database number, "
                                   "e.g. redis://redis.internal:6379/0")
    return url


def cache(url: str) -> dict:
    """Django's ``CACHES``: Redis when ``url`` is set, else (demo only) a table in the site's database, which
    every worker and server process on that database shares (``twostep.ops.dbcache``)."""
    prefix = env("TWOSTEP_CACHE_KEY_PREFIX", "twostep")
    if not KEY_PREFIX_PATTERN.fullmatch(prefix):
        raise ImproperlyConfigured("TWOSTEP_CACHE_KEY_PREFIX may hold at most 64 letters, digits and _.:-")
    if not url:
        # Past MAX_ENTRIES rows each write deletes the expired ones (never live ones: see ops.dbcache).
        return {"default": {"BACKEND": "twostep.ops.dbcache.SharedDatabaseCache", "LOCATION": "twostep_cache",
                            "KEY_PREFIX": prefix, "OPTIONS": {"MAX_ENTRIES": 10_000}}}
    timeouts = {"socket_connect_timeout": 2, "socket_timeout": 2}  # a lost Redis fails fast, not hangs
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                        "KEY_PREFIX": prefix, "OPTIONS": timeouts}}


def task_queue(prefix: str) -> str:
    """``TWOSTEP_QUEUE_NAME``, the RQ queue of this site's tasks; by default the cache key prefix, so two sites
    sharing one Redis (each with its own ``TWOSTEP_CACHE_KEY_PREFIX``) never run each other's jobs."""
    name = env("TWOSTEP_QUEUE_NAME", prefix)
    if not name or not KEY_PREFIX_PATTERN.fullmatch(name):
        raise ImproperlyConfigured("TWOSTEP_QUEUE_NAME may hold at most 64 letters, digits and _.:-")
    return name


def secret_key(*, production: bool) -> str:
    """``TWOSTEP_SECRET_KEY``; in production at least 50 characters with 5 different ones."""
    value = kept_secret("TWOSTEP_SECRET_KEY", "secret_key", kind="django")
    if production and (len(value) < 50 or len(set(value)) < 5):
        raise ImproperlyConfigured("TWOSTEP_SECRET_KEY is too weak: use at least 50 random characters, e.g. "
                                   "python -c 'import secrets; print(secrets.token_urlsafe(50))'")
    return value


def encryption_keys() -> list[str]:
    """``TWOSTEP_ENCRYPTION_KEYS``: comma-separated Fernet keys, newest first; each one checked."""
    keys = env_list("TWOSTEP_ENCRYPTION_KEYS", [])
    if not keys:
        return [kept_secret("TWOSTEP_ENCRYPTION_KEYS", "encryption.key", kind="fernet")]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"TWOSTEP_ENCRYPTION_KEYS item {position} is not a Fernet key (32 url-safe base64-encoded bytes; "
                "make one with python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')") from None
    return keys


def allowed_hosts(*, production: bool) -> list[str]:
    hosts = env_list("ALLOWED_HOSTS", [] if production else ["127.0.0.1", "localhost", "[::1]", "testserver"])
    if not hosts:
        raise ImproperlyConfigured("ALLOWED_HOSTS is not set: list the host names the site answers to, "
                                   "comma-separated, e.g. accounts.example.com")
    return hosts


def trusted_origins() -> list[str]:
    origins = env_list("CSRF_TRUSTED_ORIGINS", [])
    for position, origin in enumerate(origins, start=1):
        if _scheme(origin) not in ("http", "https"):
            raise ImproperlyConfigured(f"CSRF_TRUSTED_ORIGINS item {position} must start with https:// "
                                       "(or http://), e.g. https://accounts.example.com")
    return origins


def base_url(*, production: bool) -> str:
    """``TWOSTEP_BASE_URL``, the scheme and host in front of links in e-mails; https:// in production."""
    url = env("TWOSTEP_BASE_URL", "" if production else "http://127.0.0.1:8000")
    if not url:
        raise ImproperlyConfigured("TWOSTEP_BASE_URL is not set: the address of the site put in front of links "
                                   "in e-mails, e.g. https://accounts.example.com")
    if _scheme(url) not in (("https",) if production else ("http", "https")) or not urlsplit(url).hostname:
        raise ImproperlyConfigured("TWOSTEP_BASE_URL must be https://host (http:// outside production), "
                                   "e.g. https://accounts.example.com")
    return url


def email(*, production: bool, data_dir: Path) -> dict:
    """Django's e-mail settings (``EMAIL_*``, ``DEFAULT_FROM_EMAIL``) as a dict of setting names; every
    problem is reported, one line each."""
    problems = Problems()
    backend = env("EMAIL_BACKEND", SMTP_BACKEND if production else "django.core.mail.backends.filebased.EmailBackend")
    if production and backend == SMTP_BACKEND and not os.environ.get("EMAIL_HOST", "").strip():
        problems.add("EMAIL_HOST is not set: the production profile sends e-mail through SMTP")
    sender = env("DEFAULT_FROM_EMAIL", "" if production else "twostep <no-reply@localhost>")
    problems.read(_check_sender, sender)
    values = {
        "EMAIL_BACKEND": backend, "EMAIL_FILE_PATH": data_dir / "mail",
        "EMAIL_HOST": env("EMAIL_HOST", "localhost"),
        "EMAIL_PORT": problems.read(env_int, "EMAIL_PORT", 25, minimum=1, maximum=65535),
        "EMAIL_HOST_USER": env("EMAIL_HOST_USER", ""), "EMAIL_HOST_PASSWORD": env("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": problems.read(env_bool, "EMAIL_USE_TLS", False, fallback=False),
        "EMAIL_USE_SSL": problems.read(env_bool, "EMAIL_USE_SSL", False, fallback=False),
        "EMAIL_TIMEOUT": problems.read(env_int, "EMAIL_TIMEOUT", 10, minimum=1, maximum=600),
        "DEFAULT_FROM_EMAIL": sender,
    }
    if values["EMAIL_USE_TLS"] and values["EMAIL_USE_SSL"]:
        problems.add("EMAIL_USE_TLS and EMAIL_USE_SSL are both on: choose one (TLS for port 587, SSL for port 465)")
    if values["EMAIL_HOST_USER"] and not values["EMAIL_HOST_PASSWORD"]:
        problems.add("EMAIL_HOST_PASSWORD is not set while EMAIL_HOST_USER is")
    problems.raise_any()
    return values


def _check_sender(sender: str) -> None:
    if not sender:
        raise ImproperlyConfigured("DEFAULT_FROM_EMAIL is not set: the address e-mail is sent from, "
                                   "e.g. 'Example Accounts <no-reply@example.com>'")
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ImproperlyConfigured("DEFAULT_FROM_EMAIL is not an e-mail address") from None


def metrics_folder() -> str:
    """``PROMETHEUS_MULTIPROC_DIR`` when set: it must be an existing folder (prometheus_client writes there
    from the first import on). Unset is fine: ``twostep serve`` makes one."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if folder and not Path(folder).is_dir():
        raise ImproperlyConfigured("PROMETHEUS_MULTIPROC_DIR is not an existing folder: create it, or leave it "
                                   "unset and twostep serve makes one")
    return folder


def metrics_token() -> str:
    """``TWOSTEP_METRICS_TOKEN`` (the bearer token /metrics asks for), "" when unset."""
    token = os.environ.get("TWOSTEP_METRICS_TOKEN", "").strip()
    if token and len(token) < 32:
        raise ImproperlyConfigured("TWOSTEP_METRICS_TOKEN is too short: use at least 32 random characters")
    return token
