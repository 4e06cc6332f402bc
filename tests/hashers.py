"""A cheaper Argon2id for the test suite only: same algorithm and encoding, far lower cost, so tests that
create many users stay fast. The project's hasher keeps Django's Argon2PasswordHasher defaults
(tests/accounts/test_passwords.py pins them)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    algorithm = "argon2"  # same prefix: hashes stay verifiable by the real hasher
    time_cost = 1
    memory_cost = 1024  # KiB
    parallelism = 1
