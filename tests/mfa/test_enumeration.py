"""Enumeration: an unknown e-mail and a wrong password say the same and cost one password hash each.

Cost is pinned by counting hasher calls (a subclass of the Argon2id hasher), never by measuring time.
"""

import re

import pytest
from django.test import Client

from tests.conftest import post_password
from tests.hashers import CheapArgon2PasswordHasher

pytestmark = pytest.mark.django_db


class CountingArgon2Hasher(CheapArgon2PasswordHasher):
    """The test suite's Argon2id (same algorithm name, so it checks existing hashes), counting its calls."""

    calls = 0

    def encode(self, password, salt):
        CountingArgon2Hasher.calls += 1
        return super().encode(password, salt)

    def verify(self, password, encoded):
        CountingArgon2Hasher.calls += 1
        return super().verify(password, encoded)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingArgon2Hasher"]
    CountingArgon2Hasher.calls = 0
    return CountingArgon2Hasher


def hashes_for(email: str, password: str) -> tuple[int, str, int, bool]:
    """Hashes computed, the page (the address and CSRF token taken out), its status, and whether it refused the
    pair as ``invalid_login``."""
    before = CountingArgon2Hasher.calls
    response = post_password(Client(), email, password)
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    refused = response.context["form"].has_error("__all__", "invalid_login")
    return CountingArgon2Hasher.calls - before, page.replace(email, "EMAIL"), response.status_code, refused


def test_unknown_email_and_wrong_password_cost_one_hash_and_read_the_same(clock, make_user, counting_hasher):
    make_user("nora@northwind.example")
    wrong_password = hashes_for("nora@northwind.example", "not the password")
    unknown_email = hashes_for("nobody@northwind.example", "not the password")
    assert wrong_password[0] == unknown_email[0] == 1
    assert wrong_password[2] == unknown_email[2] == 400
    assert wrong_password[1] == unknown_email[1]
    assert wrong_password[3] and unknown_email[3]


def test_inactive_account_also_costs_one_hash_and_reads_the_same(clock, make_user, counting_hasher):
    make_user("gone@northwind.example", is_active=False)
    inactive = hashes_for("gone@northwind.example", "correct horse battery staple")
    unknown = hashes_for("nobody@northwind.example", "correct horse battery staple")
    assert inactive[0] == unknown[0] == 1 and inactive[1] == unknown[1] and inactive[2] == 400
