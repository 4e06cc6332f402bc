"""The refusals of the organization pages and of an invitation link in the words people read; every other test
asserts their codes."""

import pytest
from django.urls import reverse

from tests.mfa.test_wording import words
from tests.organizations.conftest import sign_in

pytestmark = pytest.mark.django_db
PASSWORDS = {"new_password1": "a long new passphrase 42", "new_password2": "a long new passphrase 42"}


@pytest.fixture
def admin_client(client, acme):
    return sign_in(client, acme.memberships.get(role="admin").user)


def test_only_admins_open_the_settings(client, clock, acme):
    sign_in(client, acme.memberships.get(role="member").user)
    assert "Only admins of this organization can open its settings." in words(client.get("/orgs/acme/settings/"))


def test_membership_refusals(admin_client, acme):
    admin = acme.memberships.get(role="admin")
    only_admin = "This is the organization's only admin. Make another member an admin first"
    assert only_admin in words(admin_client.post(f"/orgs/acme/members/{admin.pk}/role/", {"role": "member"}))
    assert only_admin in words(admin_client.post(f"/orgs/acme/members/{admin.pk}/remove/"))
    assert "Choose the role Admin or Member." in words(
        admin_client.post(f"/orgs/acme/members/{admin.pk}/role/", {"role": "owner"}))
    assert "Choose an action from the list." in words(admin_client.get("/orgs/acme/audit/", {"action": "nonsense"}))


def test_invite_refusals(admin_client, settings, refusing_port):
    invite = "/orgs/acme/members/invite/"
    assert "member@acme.example is already a member of Acme Calibration." in words(
        admin_client.post(invite, {"email": "member@acme.example", "role": "member"}))
    assert admin_client.post(invite, {"email": "nina@northwind.example", "role": "member"}).status_code == 302
    assert ("An open invitation goes to an address that looks the same. Withdraw it first if it was the wrong "
            "address.") in words(admin_client.post(invite, {"email": "nina@n\u043erthwind.example", "role": "member"}))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refusing_port
    assert "The invitation e-mail could not be sent. Nothing was saved; try again in a few minutes." in words(
        admin_client.post(invite, {"email": "new@acme.example", "role": "member"}))


def test_invitation_link_refusals(client, clock, acme, invited):
    invitation, link = invited()
    assert "This invitation link is not valid. Check that you opened the whole link from the e-mail." in words(
        client.get(link[:-2] + "/", follow=True))
    client.get(link)
    assert client.post(reverse("invitations:accept"), PASSWORDS).status_code == 302
    assert "This invitation has already been used. Sign in to reach the organization." in words(
        client.__class__().get(link, follow=True))
    _, late = invited("late@acme.example")
    clock.advance(7 * 24 * 3600 + 1)
    assert "This invitation has expired. Ask an admin of the organization to invite you again." in words(
        client.__class__().get(late, follow=True))


def test_a_withdrawn_invitation(client, clock, acme, invited):
    invitation, link = invited()
    admin = sign_in(client.__class__(), acme.memberships.get(role="admin").user)
    revoke = f"/orgs/acme/invitations/{invitation.pk}/revoke/"
    assert admin.post(revoke).status_code == 302
    withdrawn = "This invitation was withdrawn by an admin of the organization."
    assert withdrawn in words(admin.post(revoke))
    assert withdrawn in words(client.get(link, follow=True))
