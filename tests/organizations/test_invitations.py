"""Invitations: an admin invites by e-mail; the invitee joins once through a signed, expiring link."""

import hashlib

import pytest
from django.core import mail, signing
from django.urls import reverse

from tests.conftest import PASSWORD, post_password
from tests.organizations.conftest import link_path, sign_in
from tests.signin_helpers import enroll_with_codes
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.organizations import invitations
from twostep.organizations.models import Invitation, Membership

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a long new passphrase 42"


def org_events():
    return list(AuditEvent.objects.filter(action__startswith="organization.").order_by("id")
                .values_list("action", "actor_id", "subject_id", "organization_id", "detail"))


def invite(client, email="new@acme.example", role="member", slug="acme"):
    return client.post(f"/orgs/{slug}/members/invite/", {"email": email, "role": role})


def test_admin_invites_by_email(client, clock, acme):
    admin = acme.memberships.get(role="admin").user
    sign_in(client, admin)
    assert client.get("/orgs/acme/members/invite/").status_code == 200
    response = invite(client, email=" New@Acme.example ", role="admin")
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/"
    [message] = mail.outbox
    assert message.to == ["new@acme.example"]
    assert message.subject == "Join Acme Calibration on twostep"
    assert "Ada Admin invites you to join Acme Calibration on twostep as admin." in message.body
    assert "open this link within 7 days" in message.body
    link = link_path(message)
    invitation = Invitation.objects.get()
    token = signing.Signer(salt=invitations.SALT).unsign(link.split("/")[2])
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (invitation.email, invitation.role, invitation.invited_by, invitation.created_at) == (
        "new@acme.example", "admin", admin, clock.moment)
    assert org_events() == [("organization.invitation_sent", admin.pk, None, acme.pk,
                             {"invitation_id": invitation.pk, "email": "new@acme.example", "role": "admin"})]
    page = client.get("/orgs/acme/settings/").content.decode()
    assert "Open invitations (1)" in page and '<td>new@acme.example</td><td data-label="Role">Admin</td>' in page
    assert "An invitation link works once, for 7 days after it was sent." in page
    assert ('<td data-label="Sent">30 Nov 2026, 00:00</td>'
            '<td data-label="Link works until">7 Dec 2026, 00:00</td>') in page
    clock.advance(7 * 24 * 3600 + 1)
    assert client.get("/orgs/acme/settings/")["Location"].startswith("/signin/")  # a week later: timed out
    sign_in(client, admin)
    page = client.get("/orgs/acme/settings/").content.decode()
    assert '<td data-label="Sent">30 Nov 2026, 00:00</td><td data-label="Link works until">expired</td>' in page


def test_invite_form_errors_lose_nothing(client, clock, acme):
    sign_in(client, acme.memberships.get(role="admin").user)
    bad = invite(client, email="not an address")
    assert bad.status_code == 400 and bad.context["form"].has_error("email", "invalid")
    member = invite(client, email="MEMBER@acme.example")
    assert member.status_code == 400 and member.context["form"].has_error("email", "already_member")
    role = invite(client, role="owner")
    assert role.status_code == 400 and role.context["form"].has_error("role", "invalid_choice")
    assert mail.outbox == [] and not Invitation.objects.exists() and org_events() == []


def test_mail_server_down_saves_nothing(client, clock, acme, settings, refusing_port, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refusing_port
    sign_in(client, acme.memberships.get(role="admin").user)
    with caplog.at_level("ERROR", logger="twostep.organizations"):
        response = invite(client)
    assert response.status_code == 503
    [record] = [r for r in caplog.records if r.name == "twostep.organizations.invitation_views"]
    assert record.levelname == "ERROR"
    assert record.getMessage().startswith(
        "Could not send the invitation e-mail of organization acme: ConnectionRefusedError: ")
    assert response.context["form"].has_error("__all__", "mail_failed")
    assert not Invitation.objects.exists() and org_events() == []


def test_inviting_again_replaces_the_earlier_link(client, clock, acme, invited):
    first, first_link = invited()
    second, second_link = invited()
    first.refresh_from_db()
    assert first.revoked_at == clock.moment and second.revoked_at is None
    assert client.get(first_link, follow=True).status_code == 400
    assert client.get(second_link, follow=True).status_code == 200
    assert [(action, detail.get("reason")) for action, *_, detail in org_events()] == [
        ("organization.invitation_sent", None), ("organization.invitation_revoked", "replaced"),
        ("organization.invitation_sent", None)]


@pytest.mark.parametrize("who", ["member@acme.example", "admin@northwind.example"])
def test_only_admins_of_the_organization_invite_and_withdraw(client, clock, acme, invited, make_user, make_org,
                                                             who):
    invitation, _ = invited()
    outsider = make_user("admin@northwind.example")
    enroll_with_codes(outsider, now=clock.now - 3600)  # an admin uses MFA
    make_org("Northwind Labs", slug="northwind", admins=[outsider])
    sign_in(client, User.objects.get(email=who))
    assert client.get("/orgs/acme/members/invite/").status_code == 403
    assert invite(client, email="x@acme.example").status_code == 403
    assert client.post(f"/orgs/acme/invitations/{invitation.pk}/revoke/").status_code == 403
    if who == "admin@northwind.example":  # their own organization's URL, Acme's invitation
        assert client.post(f"/orgs/northwind/invitations/{invitation.pk}/revoke/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and len(mail.outbox) == 1
    assert [e[0] for e in org_events()] == ["organization.invitation_sent"]


def test_anonymous_is_sent_to_sign_in(client, acme):
    response = client.get("/orgs/acme/members/invite/")
    assert response.status_code == 302 and response["Location"].startswith("/signin/?next=")


def test_admin_withdraws_an_invitation(client, clock, acme, invited):
    invitation, link = invited()
    admin = acme.memberships.get(role="admin").user
    sign_in(client, admin)
    response = client.post(f"/orgs/acme/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/"
    again = client.post(f"/orgs/acme/invitations/{invitation.pk}/revoke/")
    assert again.status_code == 400 and again.context["error_code"] == "revoked"
    assert org_events()[-1] == ("organization.invitation_revoked", admin.pk, None, acme.pk,
                                {"invitation_id": invitation.pk, "email": "new@acme.example", "reason": "revoked"})
    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 400 and page.context["error"].code == "revoked"


def test_new_user_sets_a_password_joins_and_sets_up_mfa_at_sign_in(client, clock, acme, invited, require_mfa):
    require_mfa(acme)
    invitation, link = invited()
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/invitations/accept/"
    page = client.get("/invitations/accept/").content.decode()
    assert "You are invited as member of Acme Calibration" in page and "Choose a password" in page
    weak = client.post("/invitations/accept/", {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 400 and weak.context["form"].has_error("new_password2", "password_too_short")
    mismatch = client.post("/invitations/accept/", {"new_password1": NEW_PASSWORD, "new_password2": "other one 42"})
    assert mismatch.status_code == 400 and mismatch.context["form"].has_error("new_password2", "password_mismatch")
    assert not User.objects.filter(email="new@acme.example").exists()
    done = client.post("/invitations/accept/", {"name": "Nina New", "new_password1": NEW_PASSWORD,
                                                "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("mfa:signin")
    assert "_auth_user_id" not in client.session  # not signed in: the normal journey does that
    user = User.objects.get(email="new@acme.example")
    assert user.name == "Nina New" and user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=user, organization=acme).role == "member"
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.accepted_by) == (clock.moment, user)
    assert org_events()[-1] == ("organization.invitation_accepted", user.pk, user.pk, acme.pk,
                                {"invitation_id": invitation.pk, "role": "member", "new_account": True,
                                 "mfa_required": True})  # joining an organization that requires it
    assert post_password(client, "new@acme.example", NEW_PASSWORD)["Location"] == reverse("mfa:setup")


def test_a_link_works_once(client, clock, acme, invited):
    _, link = invited()
    client.get(link)
    client.post("/invitations/accept/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    other = client.__class__()
    response = other.get(link, follow=True)
    assert response.status_code == 400 and response.context["error"].code == "used"
    assert User.objects.filter(email="new@acme.example").count() == 1


def test_a_stale_copy_of_an_open_invitation_cannot_be_accepted_twice(clock, acme, invited, make_user):
    """Two requests that both loaded the invitation while it was open: the conditional update lets one win."""
    _, link = invited()
    user = make_user("new@acme.example")
    token = link.split("/")[2]
    first, second = invitations.find_invitation(token), invitations.find_invitation(token)
    invitations.accept_invitation(first, user, now=clock.now)
    assert second.accepted_at is None
    with pytest.raises(invitations.UsedInvitationError):
        invitations.accept_invitation(second, user, now=clock.now)
    assert Membership.objects.filter(user=user, organization=acme).count() == 1
    assert [e[0] for e in org_events()].count("organization.invitation_accepted") == 1


def test_link_is_valid_for_seven_days_and_not_a_second_longer(client, clock, acme, invited):
    _, link = invited()
    client.get(link)
    clock.advance(7 * 24 * 3600)
    assert client.get("/invitations/accept/").status_code == 200
    clock.advance(1)
    response = client.post("/invitations/accept/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 400 and response.context["error"].code == "expired"
    assert not User.objects.filter(email="new@acme.example").exists()


def test_max_age_is_a_setting(client, clock, acme, invited, settings):
    settings.TWOSTEP_INVITATION_MAX_AGE = 5400
    _, link = invited()
    assert "open this link within 90 minutes:" in mail.outbox[0].body
    clock.advance(5401)
    assert client.get(link, follow=True).context["error"].code == "expired"


@pytest.mark.parametrize("mangle", [
    lambda value: value[:-1] + ("A" if value[-1] != "A" else "B"),  # signature changed
    lambda value: signing.Signer(salt=invitations.SALT).sign("made-up-token"),  # signed, but unknown
    lambda value: value.split(":")[0],  # token without signature
])
def test_tampered_or_unknown_links_are_refused(client, clock, acme, invited, mangle):
    _, link = invited()
    response = client.get(f"/invitations/{mangle(link.split('/')[2])}/", follow=True)
    assert response.status_code == 400 and response.context["error"].code == "invalid"
    assert client.get("/invitations/accept/").status_code == 400  # nothing left in the session


def test_existing_account_signs_in_then_accepts(client, clock, acme, invited, make_user, make_org, require_mfa):
    user = make_user("new@acme.example")
    make_org("Northwind Labs", members=[user])
    invitation, link = invited(role="admin")
    client.get(link)
    page = client.get("/invitations/accept/").content.decode()
    assert 'href="/signin/?next=%2Finvitations%2Faccept%2F"' in page
    response = post_password(client, "new@acme.example", PASSWORD, next="/invitations/accept/")
    assert response["Location"] == "/invitations/accept/"
    assert "Join Acme Calibration</button>" in client.get("/invitations/accept/").content.decode()
    require_mfa(acme)  # Acme requires MFA: after joining, the next page is the setup
    joined = client.post("/invitations/accept/")
    assert joined.status_code == 302 and joined["Location"] == "/"
    assert Membership.objects.get(user=user, organization=acme).role == "admin"
    assert org_events()[-1] == ("organization.invitation_accepted", user.pk, user.pk, acme.pk,
                                {"invitation_id": invitation.pk, "role": "admin", "new_account": False,
                                 "mfa_required": True})
    assert client.get("/")["Location"] == reverse("mfa:setup")


def test_signed_in_as_someone_else_cannot_accept(client, clock, acme, invited):
    invitation, link = invited()
    sign_in(client, User.objects.get(email="member@acme.example"))
    client.get(link)
    page = client.get("/invitations/accept/")
    assert page.status_code == 403
    assert ("This invitation is for new@acme.example, but you are signed in as member@acme.example."
            in page.content.decode())
    assert client.post("/invitations/accept/").status_code == 403
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert [e[0] for e in org_events()] == ["organization.invitation_sent"]


def test_account_created_meanwhile_is_asked_to_sign_in(client, clock, acme, invited, make_user):
    _, link = invited()
    client.get(link)
    assert "Choose a password" in client.get("/invitations/accept/").content.decode()
    make_user("new@acme.example")
    response = client.post("/invitations/accept/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/signin/?next=%2Finvitations%2Faccept%2F"
    assert not Membership.objects.filter(user__email="new@acme.example").exists()
