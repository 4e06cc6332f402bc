"""``twostep setup-demo``: seeds the demo into an empty database once and prints its passwords."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from twostep.accounts.models import User
from twostep.mfa.models import OrganizationMfaPolicy
from twostep.organizations.models import Membership, Organization

pytestmark = pytest.mark.django_db

ACCOUNT_LINE = re.compile(r"  (\S+@\S+)  password: (\S+)  — (.+)")


def setup_demo() -> list[str]:
    out = StringIO()
    call_command("setup_demo", stdout=out)
    return out.getvalue().splitlines()


def test_empty_database_is_seeded_and_each_account_is_printed_on_one_line_with_its_password(clock):
    header, *lines = setup_demo()
    assert header == "Demo accounts (shown once; keep them):"
    accounts = [ACCOUNT_LINE.fullmatch(line).groups() for line in lines]
    assert [email for email, _, _ in accounts] == ["admin@acme.example", "member@acme.example",
                                                   "user@northwind.example", "support@twostep.example"]
    for email, password, _ in accounts:
        assert len(password) >= 16 and User.objects.get(email=email).check_password(password)
    assert len({password for _, password, _ in accounts}) == 4
    assert accounts[2][2] == ("admin of Northwind Labs, in no other organization (Require MFA off): sets up MFA "
                              "at first sign-in, as every admin must (TWOSTEP_MFA_REQUIRED_FOR=admins)")
    assert sorted(Membership.objects.values_list("organization__slug", "user__email", "role")) == [
        ("acme", "admin@acme.example", "admin"), ("acme", "member@acme.example", "member"),
        ("northwind", "member@acme.example", "member"), ("northwind", "user@northwind.example", "admin")]
    policy = OrganizationMfaPolicy.objects.get(organization__slug="acme")
    assert policy.required and policy.enforce_from == clock.moment
    assert not OrganizationMfaPolicy.objects.filter(organization__slug="northwind", required=True).exists()


def test_second_run_does_not_reseed_or_change_the_passwords(clock):
    first = dict(ACCOUNT_LINE.fullmatch(line).groups()[:2] for line in setup_demo()[1:])
    second = setup_demo()
    assert second[0] == "Database already has users; demo not seeded again (its passwords were printed the first time)."
    assert second[1] == (f"For a fresh demo on the default SQLite database: stop the server, delete "
                         f"{settings.DATA_DIR} and run `make run` again.")
    assert not any(ACCOUNT_LINE.fullmatch(line) for line in second)
    assert (User.objects.count(), Organization.objects.count()) == (4, 2)
    assert all(User.objects.get(email=email).check_password(password) for email, password in first.items())


def test_a_database_with_any_user_is_left_alone(clock, make_user):
    make_user("someone@example.com")
    assert setup_demo()[0].startswith("Database already has users; demo not seeded")
    assert (User.objects.count(), Organization.objects.count()) == (1, 0)
