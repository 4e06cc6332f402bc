"""Invitations and ``twostep create-organization`` with spellings and look-alikes of an existing account's
address: another spelling is that account's address; a refused address or a look-alike is refused with the
reason (invitations are for admins only, so the reason can be plain), and nothing is saved or sent."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests.accounts.lookalikes import CYRILLIC, LOOKS_THE_SAME, REAL, REFUSED, SAME, UNUSUAL
from tests.organizations.conftest import sign_in
from twostep.accounts.models import User
from twostep.organizations.models import Invitation, Membership, Organization

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long new passphrase 42"


@pytest.fixture
def admin_client(client, acme, make_user):
    make_user(REAL)
    return sign_in(client, acme.memberships.get(role="admin").user)


def invite(client, email: str):
    return client.post("/orgs/acme/members/invite/", {"email": email, "role": "member"})


@pytest.mark.parametrize("typed", SAME)
def test_inviting_another_spelling_invites_the_accounts_address(admin_client, typed):
    response = invite(admin_client, typed)
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/"
    assert list(Invitation.objects.values_list("email", flat=True)) == [REAL]
    assert [m.to for m in mail.outbox] == [[REAL]]


@pytest.mark.parametrize("typed, code", [*((t, "unusual_characters") for t in REFUSED), (CYRILLIC, "look_alike")])
def test_inviting_a_look_alike_is_refused_with_the_reason(admin_client, typed, code):
    response = invite(admin_client, typed)
    assert response.status_code == 400 and response.context["form"].has_error("email", code)
    assert not Invitation.objects.exists() and mail.outbox == []


def test_two_open_invitations_cannot_go_to_addresses_that_look_the_same(admin_client):
    assert invite(admin_client, "nina@northwind.example").status_code == 302
    response = invite(admin_client, "nina@n\u043erthwind.example")  # U+043E CYRILLIC SMALL LETTER O
    assert response.status_code == 400 and response.context["form"].has_error("email", "look_alike_invitation")
    assert list(Invitation.objects.values_list("email", flat=True)) == ["nina@northwind.example"]
    assert [m.to for m in mail.outbox] == [["nina@northwind.example"]]


def test_an_invitation_cannot_create_a_look_alike_of_an_account_made_since(client, acme, invited, make_user):
    invitation, link = invited(CYRILLIC)  # sent while no account looked like it
    make_user(REAL)
    client.get(link)
    response = client.post("/invitations/accept/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 400 and response.context["error"].code == "look_alike"
    assert list(User.objects.filter(memberships__isnull=True).values_list("email", flat=True)) == [REAL]
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def create(admin_email: str) -> str:
    out = StringIO()
    call_command("create_organization", "--name", "Staff", "--slug", "staff", "--admin-email", admin_email,
                 stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("typed", SAME)
def test_create_organization_with_another_spelling_makes_the_account_admin(clock, make_user, typed):
    ann = make_user(REAL)
    assert create(typed) == f"Created Staff (/orgs/staff/) with {REAL} as admin.\n"
    assert list(Membership.objects.values_list("user", "organization__slug", "role")) == [(ann.pk, "staff", "admin")]
    assert not Invitation.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("typed, message", [*((t, UNUSUAL) for t in REFUSED), (CYRILLIC, LOOKS_THE_SAME)])
def test_create_organization_refuses_a_look_alike_and_saves_nothing(clock, make_user, typed, message):
    make_user(REAL)
    with pytest.raises(CommandError) as refused:
        create(typed)
    assert str(refused.value) == f"--admin-email: {message}"
    assert not Organization.objects.exists() and not Invitation.objects.exists() and mail.outbox == []
