"""Start-up in the production profile: missing or malformed variables stop it with one line each, naming
the variable and repeating no secret; all of them are reported at once."""

import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tests.production.conftest import production_env, secret_values, twostep

MISSING = ["TWOSTEP_SECRET_KEY", "TWOSTEP_ENCRYPTION_KEYS", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS",
           "TWOSTEP_BASE_URL", "EMAIL_HOST", "DEFAULT_FROM_EMAIL"]

MALFORMED = [
    # (variable named in the error, overrides, words of the message)
    ("DATABASE_URL", {"DATABASE_URL": "sqlite:////srv/twostep.sqlite3"}, "must be a postgresql:// URL"),
    ("DATABASE_URL", {"DATABASE_URL": "postgresql://twostep:{db}@db:port/twostep"}, "not a valid database URL"),
    ("DATABASE_URL", {"DATABASE_URL": "postgresql://twostep:{db}@db:5432"}, "names no database"),
    ("REDIS_URL", {"REDIS_URL": "http://redis.internal:6379/0"}, "must start with redis:// or rediss://"),
    ("REDIS_URL", {"REDIS_URL": "redis://:{redis}@redis:port/0"}, "not a valid URL"),
    ("REDIS_URL", {"REDIS_URL": "redis://:{redis}@redis:6379/zero"}, "at most a database number"),
    ("TWOSTEP_ENCRYPTION_KEYS item 2", {"TWOSTEP_ENCRYPTION_KEYS": "{fernet},not-a-fernet-key-{db}"},
     "is not a Fernet key"),
    ("TWOSTEP_SECRET_KEY", {"TWOSTEP_SECRET_KEY": "short-{db}"}, "too weak"),
    ("EMAIL_PORT", {"EMAIL_PORT": "smtp"}, "must be a whole number from 1 to 65535"),
    ("EMAIL_PORT", {"EMAIL_PORT": "70000"}, "must be a whole number from 1 to 65535"),
    ("EMAIL_USE_TLS", {"EMAIL_USE_TLS": "maybe"}, "must be true or false"),
    ("EMAIL_USE_TLS and EMAIL_USE_SSL", {"EMAIL_USE_SSL": "true"}, "are both on"),
    ("EMAIL_HOST_PASSWORD", {"EMAIL_HOST_PASSWORD": None}, "is not set while EMAIL_HOST_USER is"),
    ("DEFAULT_FROM_EMAIL", {"DEFAULT_FROM_EMAIL": "Example Accounts"}, "is not an e-mail address"),
    ("CSRF_TRUSTED_ORIGINS item 1", {"CSRF_TRUSTED_ORIGINS": "accounts.example.com"}, "must start with https://"),
    ("TWOSTEP_BASE_URL", {"TWOSTEP_BASE_URL": "http://accounts.example.com"}, "must be https://host"),
    ("TWOSTEP_INVITATION_MAX_AGE", {"TWOSTEP_INVITATION_MAX_AGE": "7d"}, "must be a whole number"),
    ("TWOSTEP_METRICS_TOKEN", {"TWOSTEP_METRICS_TOKEN": "short"}, "too short"),
    ("TWOSTEP_DEBUG", {"TWOSTEP_DEBUG": "true"}, "must be off in the production profile"),
    ("TWOSTEP_PROFILE", {"TWOSTEP_PROFILE": "prod"}, "must be one of demo, production"),
    ("TWOSTEP_TIME_ZONE", {"TWOSTEP_TIME_ZONE": "Mars/Base"}, "must be an IANA time zone name such as UTC"),
    ("TWOSTEP_LOG_LEVEL", {"TWOSTEP_LOG_LEVEL": "LOUD"}, "must be one of DEBUG"),
    ("TWOSTEP_CACHE_KEY_PREFIX", {"TWOSTEP_CACHE_KEY_PREFIX": "has space"}, "at most 64 letters"),
    ("PROMETHEUS_MULTIPROC_DIR", {"PROMETHEUS_MULTIPROC_DIR": "/nonexistent/twostep-metrics"}, "not an existing"),
    ("TWOSTEP_TASKS_ASYNC", {"TWOSTEP_PROFILE": "demo", "REDIS_URL": None, "TWOSTEP_TASKS_ASYNC": "true"},
     "REDIS_URL is not set"),
    ("TWOSTEP_TOTP_WINDOW", {"TWOSTEP_TOTP_WINDOW": "11"}, "must be a whole number from 0 to 10"),
    ("TWOSTEP_TOTP_ACCEPT", {"TWOSTEP_TOTP_ACCEPT": "next"}, "must be one of current-and-previous, current"),
    ("TWOSTEP_TOTP_ALGORITHM", {"TWOSTEP_TOTP_ALGORITHM": "md5"}, "must be one of sha1, sha256, sha512"),
    ("TWOSTEP_THROTTLE_MAX_DELAY", {"TWOSTEP_THROTTLE_MAX_DELAY": "10"},
     "must be at least TWOSTEP_THROTTLE_BASE_DELAY"),
    ("TWOSTEP_RESET_MAILS_PER_ADDRESS", {"TWOSTEP_RESET_MAILS_PER_ADDRESS": "0"},
     "must be a whole number from 1 to 100"),
    ("TWOSTEP_ISSUER", {"TWOSTEP_ISSUER": "Acme:Portal"}, "must be 1 to 64 characters without ':'"),
    ("TWOSTEP_MFA_REQUIRED_FOR", {"TWOSTEP_MFA_REQUIRED_FOR": "nobody"},
     "must be one of organizations, admins, everyone"),
]


def _fill(overrides: dict) -> dict:
    from tests.production.conftest import DATABASE_PASSWORD, REDIS_PASSWORD

    values = {"db": DATABASE_PASSWORD, "redis": REDIS_PASSWORD, "fernet": Fernet.generate_key().decode()}
    return {name: None if value is None else value.format(**values) for name, value in overrides.items()}


def assert_refused(result, variable: str, words: str, env: dict) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"twostep: configuration error: {variable} ")
    assert words in result.stderr
    assert result.stderr.count("\n") == 1  # one line, no traceback
    for secret in secret_values(env):
        assert secret not in result.stdout + result.stderr


def test_a_complete_production_environment_passes_every_check(tmp_path):
    result = twostep(production_env(tmp_path), "check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("variable", MISSING)
def test_a_missing_variable_stops_start_up_naming_it(tmp_path, variable):
    env = production_env(tmp_path, **{variable: None})
    result = twostep(env, "check")
    assert_refused(result, variable, "is not set", env)


@pytest.mark.parametrize(("variable", "overrides", "words"), MALFORMED, ids=[m[0] + ":" + m[2] for m in MALFORMED])
def test_a_malformed_variable_stops_start_up_naming_it(tmp_path, variable, overrides, words):
    env = production_env(tmp_path, **_fill(overrides))
    result = twostep(env, "check")
    assert_refused(result, variable, words, env)


def test_every_problem_is_reported_at_once_one_line_each(tmp_path):
    from tests.production.conftest import DATABASE_PASSWORD

    env = production_env(tmp_path, TWOSTEP_SECRET_KEY=None, DATABASE_URL=None, EMAIL_HOST=None, EMAIL_PORT="smtp",
                         REDIS_URL=f"redis://:{DATABASE_PASSWORD}@redis:port/0", TWOSTEP_TIME_ZONE="Mars/Base",
                         TWOSTEP_METRICS_TOKEN="short")
    result = twostep(env, "check")
    assert result.returncode == 2
    assert [line.split(" ", 4)[3] for line in result.stderr.splitlines()] == [
        "TWOSTEP_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "TWOSTEP_TIME_ZONE", "EMAIL_HOST", "EMAIL_PORT",
        "TWOSTEP_METRICS_TOKEN"]
    assert all(line.startswith("twostep: configuration error: ") for line in result.stderr.splitlines())
    assert "twostep: configuration error: EMAIL_PORT must be a whole number from 1 to 65535\n" in result.stderr
    for secret in secret_values(env):
        assert secret not in result.stdout + result.stderr


def test_the_wsgi_application_refuses_to_start_too(tmp_path):
    """gunicorn imports the settings through django.setup(): the same error, in a traceback."""
    env = production_env(tmp_path, DATABASE_URL=None, DJANGO_SETTINGS_MODULE="twostep.settings")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: DATABASE_URL is not set" in result.stderr
    for secret in secret_values(env):
        assert secret not in result.stderr


def test_a_malformed_worker_count_stops_serve_naming_it(tmp_path):
    result = twostep(production_env(tmp_path, TWOSTEP_WORKERS="many"), "serve")
    assert result.returncode == 1
    assert result.stderr == "CommandError: TWOSTEP_WORKERS must be a whole number from 0 to 256\n"
