"""The tuning variables (TOTP, pending sign-in, throttling, reset mails) come from the environment, checked
against their ranges at start-up with one line per problem; defaults are the README's figures."""

import json
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.production.conftest import production_env
from twostep import tuning

DEFAULTS = {
    "TWOSTEP_TOTP_WINDOW": 1, "TWOSTEP_TOTP_PERIOD": 30, "TWOSTEP_TOTP_DIGITS": 6, "TWOSTEP_TOTP_ALGORITHM": "sha1",
    "TWOSTEP_TOTP_ACCEPT": "current-and-previous",
    "TWOSTEP_PENDING_TIMEOUT": 300, "TWOSTEP_PENDING_MAX_ATTEMPTS": 5, "TWOSTEP_THROTTLE_FREE_FAILURES": 5,
    "TWOSTEP_THROTTLE_BASE_DELAY": 30, "TWOSTEP_THROTTLE_MAX_DELAY": 900, "TWOSTEP_CODE_LOCK_AFTER": 100,
    "TWOSTEP_PASSWORD_IP_FREE_FAILURES": 20, "TWOSTEP_PASSWORD_FAILURE_WINDOW": 86400,
    "TWOSTEP_RESET_MAILS_PER_ADDRESS": 3, "TWOSTEP_RESET_MAILS_PER_CLIENT": 20, "TWOSTEP_RESET_MAIL_WINDOW": 3600,
    "TWOSTEP_SETUP_TIMEOUT": 900, "TWOSTEP_MAILBOX_PROOF": True, "TWOSTEP_MAILBOX_CODE_LIFETIME": 600,
    "TWOSTEP_ACCESS_PASS_LIFETIME": 3600, "TWOSTEP_DEVICE_COOKIE_AGE": 31_536_000,
    "TWOSTEP_DEVICE_COOKIE_MAX_FAILURES": 10, "TWOSTEP_MFA_REQUIRED_FOR": "admins",
    "TWOSTEP_SESSION_IDLE_TIMEOUT": 1800, "TWOSTEP_SESSION_MAX_AGE": 43200,
    "TWOSTEP_ARGON2_TIME_COST": 2, "TWOSTEP_ARGON2_MEMORY_COST": 102400, "TWOSTEP_ARGON2_PARALLELISM": 8,
}


@pytest.fixture(autouse=True)
def no_tuning_in_the_environment(monkeypatch):
    for name in [*DEFAULTS, "TWOSTEP_ISSUER"]:
        monkeypatch.delenv(name, raising=False)


def problems(monkeypatch, **values) -> list[str]:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured) as refused:
        tuning.tuning()
    return str(refused.value).splitlines()


def test_the_defaults_are_the_figures_of_the_security_model():
    assert tuning.tuning() == DEFAULTS


def test_values_in_range_are_read(monkeypatch):
    for name, value in [("TWOSTEP_TOTP_WINDOW", "10"), ("TWOSTEP_TOTP_ACCEPT", "Current"), ("TWOSTEP_TOTP_DIGITS", "8"),
                        ("TWOSTEP_TOTP_ALGORITHM", "SHA256"), ("TWOSTEP_CODE_LOCK_AFTER", "10"),
                        ("TWOSTEP_RESET_MAIL_WINDOW", "60"), ("TWOSTEP_MFA_REQUIRED_FOR", " Everyone ")]:
        monkeypatch.setenv(name, value)
    assert tuning.tuning() == {**DEFAULTS, "TWOSTEP_TOTP_WINDOW": 10, "TWOSTEP_TOTP_ACCEPT": "current",
                               "TWOSTEP_TOTP_DIGITS": 8,
                               "TWOSTEP_TOTP_ALGORITHM": "sha256", "TWOSTEP_CODE_LOCK_AFTER": 10,
                               "TWOSTEP_RESET_MAIL_WINDOW": 60, "TWOSTEP_MFA_REQUIRED_FOR": "everyone"}


@pytest.mark.parametrize("name, value, line", [
    ("TWOSTEP_TOTP_WINDOW", "11", "TWOSTEP_TOTP_WINDOW must be a whole number from 0 to 10"),
    ("TWOSTEP_TOTP_WINDOW", "-1", "TWOSTEP_TOTP_WINDOW must be a whole number from 0 to 10"),
    ("TWOSTEP_TOTP_ACCEPT", "window", "TWOSTEP_TOTP_ACCEPT must be one of current-and-previous, current"),
    ("TWOSTEP_TOTP_ACCEPT", "previous", "TWOSTEP_TOTP_ACCEPT must be one of current-and-previous, current"),
    ("TWOSTEP_TOTP_PERIOD", "300", "TWOSTEP_TOTP_PERIOD must be a whole number from 15 to 60"),
    ("TWOSTEP_TOTP_DIGITS", "5", "TWOSTEP_TOTP_DIGITS must be a whole number from 6 to 8"),
    ("TWOSTEP_TOTP_ALGORITHM", "md5", "TWOSTEP_TOTP_ALGORITHM must be one of sha1, sha256, sha512"),
    ("TWOSTEP_PENDING_TIMEOUT", "5m", "TWOSTEP_PENDING_TIMEOUT must be a whole number from 60 to 1800"),
    ("TWOSTEP_PENDING_MAX_ATTEMPTS", "0", "TWOSTEP_PENDING_MAX_ATTEMPTS must be a whole number from 1 to 10"),
    ("TWOSTEP_THROTTLE_FREE_FAILURES", "0", "TWOSTEP_THROTTLE_FREE_FAILURES must be a whole number from 1 to 100"),
    ("TWOSTEP_CODE_LOCK_AFTER", "101", "TWOSTEP_CODE_LOCK_AFTER must be a whole number from 1 to 100"),
    ("TWOSTEP_PASSWORD_IP_FREE_FAILURES", "0",
     "TWOSTEP_PASSWORD_IP_FREE_FAILURES must be a whole number from 1 to 10000"),
    ("TWOSTEP_SETUP_TIMEOUT", "60", "TWOSTEP_SETUP_TIMEOUT must be a whole number from 300 to 3600"),
    ("TWOSTEP_MAILBOX_PROOF", "maybe", "TWOSTEP_MAILBOX_PROOF must be true or false, not 'maybe'"),
    ("TWOSTEP_RESET_MAILS_PER_CLIENT", "many", "TWOSTEP_RESET_MAILS_PER_CLIENT must be a whole number from 1 to 10000"),
    ("TWOSTEP_MFA_REQUIRED_FOR", "staff",
     "TWOSTEP_MFA_REQUIRED_FOR must be one of organizations, admins, everyone"),
    ("TWOSTEP_SESSION_IDLE_TIMEOUT", "30m", "TWOSTEP_SESSION_IDLE_TIMEOUT must be a whole number from 60 to 86400"),
    ("TWOSTEP_SESSION_IDLE_TIMEOUT", "59", "TWOSTEP_SESSION_IDLE_TIMEOUT must be a whole number from 60 to 86400"),
    ("TWOSTEP_SESSION_MAX_AGE", "2592001", "TWOSTEP_SESSION_MAX_AGE must be a whole number from 300 to 2592000"),
    ("TWOSTEP_ARGON2_TIME_COST", "0", "TWOSTEP_ARGON2_TIME_COST must be a whole number from 1 to 100"),
    ("TWOSTEP_ARGON2_MEMORY_COST", "19MiB", "TWOSTEP_ARGON2_MEMORY_COST must be a whole number from 1 to 4194304"),
    ("TWOSTEP_ARGON2_PARALLELISM", "65", "TWOSTEP_ARGON2_PARALLELISM must be a whole number from 1 to 64"),
])
def test_a_value_out_of_range_is_one_line_naming_the_variable(monkeypatch, name, value, line):
    assert problems(monkeypatch, **{name: value}) == [line]


def test_waits_and_the_counters_window_must_fit_together(monkeypatch):
    assert problems(monkeypatch, TWOSTEP_THROTTLE_BASE_DELAY="600", TWOSTEP_THROTTLE_MAX_DELAY="300",
                    TWOSTEP_PASSWORD_FAILURE_WINDOW="120", TWOSTEP_TOTP_DIGITS="9") == [
        "TWOSTEP_TOTP_DIGITS must be a whole number from 6 to 8",
        "TWOSTEP_THROTTLE_MAX_DELAY must be at least TWOSTEP_THROTTLE_BASE_DELAY (the first wait)",
        "TWOSTEP_PASSWORD_FAILURE_WINDOW must be at least TWOSTEP_THROTTLE_MAX_DELAY (a counter forgotten during a "
        "wait would start again from zero)",
    ]


def test_a_session_may_not_end_before_it_could_be_idle_that_long(monkeypatch):
    assert problems(monkeypatch, TWOSTEP_SESSION_IDLE_TIMEOUT="3600", TWOSTEP_SESSION_MAX_AGE="1800") == [
        "TWOSTEP_SESSION_MAX_AGE must be at least TWOSTEP_SESSION_IDLE_TIMEOUT (a session would end before it "
        "could be idle that long)"]
    monkeypatch.setenv("TWOSTEP_SESSION_MAX_AGE", "3600")
    assert tuning.tuning()["TWOSTEP_SESSION_MAX_AGE"] == 3600


@pytest.mark.parametrize("value", ["Acme:Portal", " ", "x" * 65])
def test_an_issuer_with_a_colon_or_out_of_length_is_refused(monkeypatch, value):
    monkeypatch.setenv("TWOSTEP_ISSUER", value)
    with pytest.raises(ImproperlyConfigured, match="^TWOSTEP_ISSUER must be 1 to 64 characters without ':'"):
        tuning.issuer()


SCRIPT = """
import dataclasses, json, django
django.setup()
from django.conf import settings
from twostep.accounts.conf import throttle_settings
from twostep.mfa.conf import app_settings
from twostep.mfa.policy import required_for
print(json.dumps([{**dataclasses.asdict(throttle_settings()), **dataclasses.asdict(app_settings())},
                  settings.TWOSTEP_RESET_MAILS_PER_ADDRESS,
                  settings.TWOSTEP_RESET_MAILS_PER_CLIENT, settings.TWOSTEP_RESET_MAIL_WINDOW, required_for(),
                  settings.SESSION_COOKIE_AGE]))
"""


def test_the_environment_reaches_the_running_settings(tmp_path):
    env = production_env(tmp_path, TWOSTEP_PROFILE="demo", DATABASE_URL=None, REDIS_URL=None,
                         DJANGO_SETTINGS_MODULE="twostep.settings", TWOSTEP_ISSUER="Acme Accounts",
                         TWOSTEP_TOTP_WINDOW="0", TWOSTEP_TOTP_ACCEPT="current", TWOSTEP_PENDING_TIMEOUT="120",
                         TWOSTEP_THROTTLE_FREE_FAILURES="3",
                         TWOSTEP_CODE_LOCK_AFTER="50", TWOSTEP_PASSWORD_FAILURE_WINDOW="3600",
                         TWOSTEP_RESET_MAILS_PER_ADDRESS="1", TWOSTEP_RESET_MAILS_PER_CLIENT="5",
                         TWOSTEP_RESET_MAIL_WINDOW="600", TWOSTEP_MFA_REQUIRED_FOR="organizations",
                         TWOSTEP_SESSION_IDLE_TIMEOUT="900", TWOSTEP_SESSION_MAX_AGE="28800")
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    mfa, per_address, per_client, window, required_for, cookie_age = json.loads(result.stdout)
    assert (mfa["issuer"], mfa["window"], mfa["pending_timeout"], mfa["throttle_free_failures"],
            mfa["code_lock_after"], mfa["password_failure_window"]) == ("Acme Accounts", 0, 120, 3, 50, 3600)
    assert (mfa["period"], mfa["digits"], mfa["algorithm"], mfa["pending_max_attempts"]) == (30, 6, "sha1", 5)
    assert mfa["accept"] == "current"
    assert (per_address, per_client, window, required_for) == (1, 5, 600, "organizations")
    assert (mfa["session_idle_timeout"], mfa["session_max_age"], cookie_age) == (900, 28800, 28800)
