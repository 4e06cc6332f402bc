"""Fixtures shared by the MFA tests: a member of an organization that requires MFA, and their recovery codes."""

import pytest

from tests.signin_helpers import enroll_with_codes


@pytest.fixture
def member(make_user, make_org, require_mfa):
    """``member@acme.example``, member of *Acme Calibration* (slug ``acme``), which requires MFA."""
    user = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[user]))
    return user


@pytest.fixture
def codes(clock, member):
    """The member's 10 recovery codes (plain text), with an authenticator confirmed a minute ago."""
    return enroll_with_codes(member, now=clock.now - 60)
