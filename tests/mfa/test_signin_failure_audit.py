"""A refused sign-in names the account it was for (OWASP ASVS 16.2.1): ``signin.failed`` and ``signin.throttled``
carry the account as subject when the address is an account's, so the account's trail and its organizations'
audit pages show the attack on it. The visitor learns nothing from it: the page and status are the same."""

import pytest
from django.test import Client

from tests.conftest import post_password
from tests.signin_helpers import force_sign_in
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
OTHER_SPELLING = "MEMBER@ＡＣＭＥ.Example"  # full-width domain letters: the address itself


@pytest.fixture
def member(make_user, make_org):
    user = make_user("member@acme.example")
    make_org("Acme Calibration", slug="acme", admins=[make_user("admin@acme.example")], members=[user])
    return user


def refusals():
    return list(AuditEvent.objects.filter(action__in=["signin.failed", "signin.throttled"]).order_by("id")
                .values_list("action", "subject_id", "subject_label", "detail"))


def test_a_wrong_password_names_the_account_an_unknown_address_names_none(clock, member):
    wrong = post_password(Client(), "member@acme.example", "not the password")
    unknown = post_password(Client(), "nobody@acme.example", "not the password")
    assert wrong.status_code == unknown.status_code == 400  # the same page: tests/mfa/test_enumeration.py
    assert post_password(Client(), OTHER_SPELLING, "not the password").status_code == 400
    assert refusals() == [
        ("signin.failed", member.pk, "member@acme.example", {"email": "member@acme.example"}),
        ("signin.failed", None, "", {"email": "nobody@acme.example"}),
        ("signin.failed", member.pk, "member@acme.example", {"email": "member@acme.example"})]


def test_a_throttled_try_names_the_account(clock, member):
    for _ in range(5):
        post_password(Client(), "member@acme.example", "not the password")
    assert post_password(Client(), "member@acme.example").status_code == 429
    assert post_password(Client(), "nobody@acme.example", "x").status_code == 400
    assert refusals()[5:] == [
        ("signin.throttled", member.pk, "member@acme.example", {"email": "member@acme.example", "retry_after": 30}),
        ("signin.failed", None, "", {"email": "nobody@acme.example"})]


def test_the_organizations_audit_page_shows_failed_sign_ins_of_its_members(client, clock, member):
    post_password(Client(), "member@acme.example", "not the password")
    force_sign_in(client, member.memberships.get().organization.memberships.get(role="admin").user,
                  verified_at=clock.now)
    page = client.get("/orgs/acme/audit/").content.decode()
    assert ('<td data-label="Action">Sign-in failed (wrong e-mail or password)</td>\n        '
            '<td data-label="Outcome">Failure</td>\n        <td data-label="By">—</td>\n        '
            '<td data-label="Member">member@acme.example</td>') in page
