"""Where secrets come from (OWASP ASVS 5.0 6.5.3, 6.5.4, 7.2.3): TOTP seeds, recovery codes, mailed setup codes,
temporary access passes and session keys are drawn from the operating system's CSPRNG (Python's ``secrets``),
each with the entropy the matrix states.

Each generator's module gets a stand-in for ``secrets`` that answers fixed values: a generator that drew from
anything else (``random``, the clock) would not give back exactly those values."""

import math
import re

import pytest
from django.contrib.sessions.backends import base as session_base
from django.core import mail
from django.urls import reverse

from tests.conftest import mailed_code, post_password
from twostep.mfa.mailbox import access_passes
from twostep.mfa.mailbox import services as mailbox
from twostep.mfa.recovery import codes as recovery_codes
from twostep.otp import keys

pytestmark = pytest.mark.django_db


class FixedSecrets:
    """Answers like ``secrets`` with fixed values, and notes every call."""

    def __init__(self):
        self.calls: list[tuple] = []

    def token_bytes(self, nbytes):
        self.calls.append(("token_bytes", nbytes))
        return bytes(range(nbytes))

    def choice(self, sequence):
        self.calls.append(("choice", sequence))
        return sequence[-1]

    def randbelow(self, bound):
        self.calls.append(("randbelow", bound))
        return 42


@pytest.fixture
def fixed(monkeypatch):
    stand_in = FixedSecrets()
    for module in (keys, recovery_codes, mailbox, access_passes):
        monkeypatch.setattr(module, "secrets", stand_in)
    return stand_in


def test_a_totp_seed_is_160_bits_from_the_csprng(fixed):
    assert keys.generate_secret() == bytes(range(20))
    assert fixed.calls == [("token_bytes", 20)]


def test_a_recovery_code_is_50_bits_from_the_csprng(fixed):
    assert recovery_codes.new_code() == recovery_codes.ALPHABET[-1] * 10
    assert fixed.calls == [("choice", recovery_codes.ALPHABET)] * 10
    assert 10 * math.log2(len(set(recovery_codes.ALPHABET))) == 50


def test_a_temporary_access_pass_is_79_bits_from_the_csprng(fixed):
    assert access_passes._generate() == "9999-9999-9999-9999"
    assert fixed.calls == [("choice", access_passes.ALPHABET)] * 16
    assert math.floor(16 * math.log2(len(set(access_passes.ALPHABET)))) == 79


def test_a_mailed_setup_code_is_one_of_a_million_from_the_csprng(fixed, client, clock, member):
    assert post_password(client, member.email)["Location"] == reverse("mfa:setup")
    client.get(reverse("mfa:setup_mailbox"))
    assert mailed_code(mail.outbox[-1]) == "000 042"
    assert fixed.calls == [("randbelow", 10**6)]  # 6 digits: log2(10**6) = 19.9 bits, ASVS's "6 random digits"


def test_a_session_key_is_32_characters_of_36_from_the_csprng(client, clock, make_user, monkeypatch):
    drawn = []
    real = session_base.get_random_string

    def noting(length, allowed_chars):
        drawn.append((length, allowed_chars))
        return real(length, allowed_chars)

    monkeypatch.setattr(session_base, "get_random_string", noting)  # Django's, from ``secrets``
    make_user("nora@northwind.example")
    keys_seen = set()
    for _ in range(3):
        post_password(client, "nora@northwind.example")
        key = client.cookies["sessionid"].value
        assert re.fullmatch(r"[a-z0-9]{32}", key)
        keys_seen.add(key)
        client.logout()
    assert len(keys_seen) == 3 and drawn and set(drawn) == {(32, session_base.VALID_KEY_CHARS)}
    assert 32 * math.log2(len(session_base.VALID_KEY_CHARS)) > 165  # ASVS asks for at least 128 bits
