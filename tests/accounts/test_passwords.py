"""Passwords are hashed with Argon2id, by twostep's hasher at Django's default parameters unless configured
(tests/accounts/test_argon2_parameters.py)."""

from django.contrib.auth.hashers import identify_hasher, make_password

from twostep import settings as project


def test_project_hashes_passwords_with_argon2id_at_djangos_defaults(settings):
    assert project.PASSWORD_HASHERS == ["twostep.accounts.hashing.Argon2idPasswordHasher"]
    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS  # undo the suite's cheap test hasher
    encoded = make_password("correct horse battery staple")
    assert encoded.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    assert identify_hasher(encoded).algorithm == "argon2"
