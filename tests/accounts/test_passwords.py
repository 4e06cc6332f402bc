"""Passwords are hashed with Argon2id at Django's default parameters."""

from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password

from twostep import settings as project


def test_project_hashes_passwords_with_django_argon2id_defaults(settings):
    assert project.PASSWORD_HASHERS == ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS  # undo the suite's cheap test hasher
    encoded = make_password("correct horse battery staple")
    hasher = Argon2PasswordHasher()
    assert encoded.startswith(
        f"argon2$argon2id$v=19$m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}$"
    )
    assert identify_hasher(encoded).algorithm == "argon2"
