"""``twostep check --database default``: the running services, migrations, static files and encryption keys."""

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from tests.production.conftest import production_env, secret_values, twostep
from tests.services import closed_port
from twostep.ops.checks import check_services

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
MANIFEST_STORAGE = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}


def ids(problems) -> list[str]:
    return [problem.id for problem in problems]


@pytest.mark.django_db
def test_services_are_checked_only_with_database():
    assert check_services(None) == []
    assert check_services(None, databases=["default"]) == []  # the test database and cache answer


@pytest.mark.django_db
def test_stored_secrets_that_no_configured_key_opens_are_an_error(settings, make_user, enrolled):
    settings.TWOSTEP_ENCRYPTION_KEYS = [OLD]
    for number in range(3):
        enrolled(make_user(f"u{number}@example.com"))
    settings.TWOSTEP_ENCRYPTION_KEYS = [NEW, OLD]
    assert check_services(None, databases=["default"]) == []
    settings.TWOSTEP_ENCRYPTION_KEYS = [NEW]
    [problem] = check_services(None, databases=["default"])
    assert problem.id == "twostep.E114"
    assert problem.msg == ("3 of the 3 newest stored authenticators open with no key in TWOSTEP_ENCRYPTION_KEYS: "
                           "their users could not sign in.")
    assert problem.hint.startswith("Put the key that sealed them back into TWOSTEP_ENCRYPTION_KEYS")


@pytest.mark.django_db
def test_uncollected_static_files_are_an_error_until_collectstatic(tmp_path):
    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path):
        [problem] = check_services(None, databases=["default"])
        assert problem.id == "twostep.E112"
        assert problem.msg == (f"The static files are not collected (no staticfiles.json in {tmp_path}): "
                               "every page would fail with HTTP 500.")
        assert problem.hint == "Run `twostep collectstatic --noinput` with the same environment."
        (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1", "hash": ""}')
        assert check_services(None, databases=["default"]) == []


def test_production_check_with_the_services_down_names_each_part(tmp_path):
    env = production_env(tmp_path, DATABASE_URL=f"postgresql://twostep:pw-{OLD}@127.0.0.1:{closed_port()}/twostep",
                         REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    result = twostep(env, "check", "--database", "default")
    assert result.returncode == 1
    for line in ("(twostep.E110) The database does not answer (OperationalError).",
                 "HINT: Start PostgreSQL or correct DATABASE_URL.",
                 "(twostep.E111) The cache does not answer (ConnectionError).",
                 "HINT: Start Redis or correct REDIS_URL.",
                 "(twostep.E112) The static files are not collected",
                 "HINT: Run `twostep collectstatic --noinput` with the same environment.",
                 "System check identified 3 issues (0 silenced)."):
        assert line in result.stderr
    for secret in [OLD, *secret_values(env)]:
        assert secret not in result.stdout + result.stderr
    plain = twostep(env, "check")  # without --database the services are left alone, and it says so
    assert plain.returncode == 0 and plain.stdout == "System check identified no issues (0 silenced).\n"
    assert plain.stderr == ("twostep: PostgreSQL, Redis, migrations, static files and encryption keys were not "
                            "checked; add --database default to check them\n")


def test_production_serve_refuses_to_start_without_collected_static_files(tmp_path):
    result = twostep(production_env(tmp_path), "serve")
    assert result.returncode == 1
    assert result.stderr == (f"CommandError: The static files are not collected (no staticfiles.json in "
                             f"{tmp_path / 'static'}): run `twostep collectstatic --noinput` first\n")


def test_an_unmigrated_database_is_an_error(tmp_path):
    env = production_env(tmp_path, TWOSTEP_PROFILE="demo", DATABASE_URL=None, REDIS_URL=None)
    result = twostep(env, "check", "--deploy", "--database", "default")
    assert result.returncode == 1
    assert "database migrations are not applied.\n\tHINT: Run `twostep migrate --noinput`." in result.stderr
    assert "(twostep.E113) " in result.stderr and "twostep.E114" not in result.stderr
