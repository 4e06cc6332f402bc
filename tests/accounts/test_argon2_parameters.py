"""Argon2id parameters per deployment (TWOSTEP_ARGON2_*): Django's defaults, never below OWASP's minimum, and a
stored hash with other parameters replaced at the next sign-in."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password
from tests.production.conftest import twostep
from twostep import tuning
from twostep.accounts.hashing import Argon2Parameters, argon2_parameters, parameter_errors
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent

PRODUCT_HASHER = "twostep.accounts.hashing.Argon2idPasswordHasher"
OWASP_MINIMUM = {"TWOSTEP_ARGON2_TIME_COST": 2, "TWOSTEP_ARGON2_MEMORY_COST": 19456, "TWOSTEP_ARGON2_PARALLELISM": 1}


@pytest.fixture
def argon2(settings, db):
    """The product's hasher (not the suite's cheap one) at OWASP's minimum, cheap enough for a test."""
    settings.PASSWORD_HASHERS = [PRODUCT_HASHER]
    for name, value in OWASP_MINIMUM.items():
        setattr(settings, name, value)
    return settings


def parameters_of(encoded: str) -> str:
    return encoded.split("$")[3]


def test_the_defaults_are_djangos_argon2_parameters():
    django = Argon2PasswordHasher
    assert (django.time_cost, django.memory_cost, django.parallelism) == (2, 102400, 8)
    assert {name: tuning.DEFAULTS[name] for name in OWASP_MINIMUM} == {
        "TWOSTEP_ARGON2_TIME_COST": 2, "TWOSTEP_ARGON2_MEMORY_COST": 102400, "TWOSTEP_ARGON2_PARALLELISM": 8}
    assert argon2_parameters() == Argon2Parameters(time_cost=2, memory_cost=102400, parallelism=8)


def test_new_hashes_take_the_configured_parameters(argon2):
    argon2.TWOSTEP_ARGON2_TIME_COST = 3
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=3,p=1$")
    argon2.TWOSTEP_ARGON2_MEMORY_COST, argon2.TWOSTEP_ARGON2_PARALLELISM = 24576, 2
    assert parameters_of(make_password(PASSWORD)) == "m=24576,t=3,p=2"


@pytest.mark.parametrize(("values", "ids"), [
    ((2, 19456, 1), []),
    ((1, 19456, 1), ["twostep.E030"]),
    ((2, 19455, 1), ["twostep.E031"]),
    ((2, 19456, 0), ["twostep.E032"]),
    ((2, 19456, 2433), ["twostep.E032"]),  # Argon2 needs 8 KiB per lane
    ((1, 1024, 1), ["twostep.E030", "twostep.E031"]),
])
def test_owasps_minimum_is_the_floor(values, ids):
    assert [error.id for error in parameter_errors(Argon2Parameters(*values))] == ids


def test_start_up_refuses_parameters_below_owasps_minimum(tmp_path):
    env = {"TWOSTEP_DATA_DIR": str(tmp_path), "TWOSTEP_ARGON2_TIME_COST": "1", "TWOSTEP_ARGON2_MEMORY_COST": "16384"}
    result = twostep({**_without_twostep_variables(), **env}, "check")
    assert result.returncode == 1
    assert result.stderr.splitlines()[:8] == [
        "SystemCheckError: System check identified some issues:",
        "",
        "ERRORS:",
        "?: (twostep.E030) TWOSTEP_ARGON2_TIME_COST is 1: it must be at least 2 (OWASP's minimum for Argon2id)",
        "\tHINT: `twostep tune-argon2 --target-ms 250` prints values that fit this machine.",
        "?: (twostep.E031) TWOSTEP_ARGON2_MEMORY_COST is 16384 KiB: it must be at least 19456 KiB (19 MiB, OWASP's "
        "minimum for Argon2id)",
        "\tHINT: `twostep tune-argon2 --target-ms 250` prints values that fit this machine.",
        "",
    ]


def _without_twostep_variables() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith(("TWOSTEP_", "DJANGO_", "DATABASE_URL"))}


SCRIPT = """
import django
django.setup()
from django.contrib.auth.hashers import make_password
print(make_password("correct horse battery staple").split("$")[3])
"""


def test_the_environment_sets_the_parameters_of_new_hashes(tmp_path):
    env = {**_without_twostep_variables(), "TWOSTEP_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "twostep.settings", "TWOSTEP_ARGON2_TIME_COST": "3",
           "TWOSTEP_ARGON2_MEMORY_COST": "20480", "TWOSTEP_ARGON2_PARALLELISM": "2"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert (result.returncode, result.stdout) == (0, "m=20480,t=3,p=2\n"), result.stderr


def _user_with_hash_of(parameters: dict, argon2, email: str) -> User:
    for name, value in parameters.items():
        setattr(argon2, name, value)
    user = User.objects.create_user(email, PASSWORD)
    for name, value in OWASP_MINIMUM.items():
        setattr(argon2, name, value)
    return user


def test_a_hash_with_old_parameters_is_replaced_at_the_next_sign_in(client, argon2):
    user = _user_with_hash_of({"TWOSTEP_ARGON2_TIME_COST": 3, "TWOSTEP_ARGON2_PARALLELISM": 2}, argon2,
                              "olga@acme.example")
    assert parameters_of(user.password) == "m=19456,t=3,p=2"
    response = post_password(client, "olga@acme.example")
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    user.refresh_from_db()
    assert parameters_of(user.password) == "m=19456,t=2,p=1"
    assert user.check_password(PASSWORD)
    # A rehash is no password change: no notice, no audit event of one.
    assert mail.outbox == []
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["signin.succeeded"]


def test_a_wrong_password_leaves_the_old_hash(client, argon2):
    user = _user_with_hash_of({"TWOSTEP_ARGON2_TIME_COST": 3}, argon2, "olga@acme.example")
    stored = user.password
    assert post_password(client, "olga@acme.example", "not the password").status_code == 400
    user.refresh_from_db()
    assert user.password == stored


def test_a_hash_with_the_current_parameters_is_kept(client, argon2):
    user = User.objects.create_user("olga@acme.example", PASSWORD)
    stored = user.password
    post_password(client, "olga@acme.example")
    user.refresh_from_db()
    assert user.password == stored


def test_the_replaced_hash_keeps_an_mfa_sign_in_going(client, clock, argon2, enrolled):
    user = _user_with_hash_of({"TWOSTEP_ARGON2_MEMORY_COST": 20480}, argon2, "mia@acme.example")
    enrolled(user)
    response = post_password(client, "mia@acme.example")
    assert (response.status_code, response["Location"]) == (302, reverse("mfa:code"))
    user.refresh_from_db()
    assert parameters_of(user.password) == "m=19456,t=2,p=1"
    response = post_code(client, code_for(user, clock.now))
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert client.get(reverse("home")).status_code == 200


def test_the_sign_in_that_replaces_the_hash_ends_the_accounts_other_sessions(client, argon2):
    """A session is bound to the password hash (Django's session hash), as after a password change."""
    User.objects.create_user("olga@acme.example", PASSWORD)
    other = Client()
    post_password(other, "olga@acme.example")
    assert other.get(reverse("home")).status_code == 200
    argon2.TWOSTEP_ARGON2_TIME_COST = 3
    response = post_password(client, "olga@acme.example")
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert client.get(reverse("home")).status_code == 200
    response = other.get(reverse("home"))
    assert (response.status_code, response["Location"]) == (302, reverse("mfa:signin") + "?next=/")
