"""`twostep create-organization`: the first organization and its admin, from the command line."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests.organizations.conftest import link_path
from twostep.audit.models import AuditEvent
from twostep.organizations.models import Invitation, Membership, Organization

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a long new passphrase 42"


def create(*args: str) -> str:
    out = StringIO()
    call_command("create_organization", *args, stdout=out)
    return out.getvalue()


def events():
    return list(AuditEvent.objects.order_by("id").values_list("action", "actor_label", "subject_id",
                                                              "organization_label", "detail"))


def test_a_new_admin_is_invited_and_joins_as_admin(client, clock):
    out = create("--name", "Acme", "--slug", "acme", "--admin-email", "Admin@Acme.example")
    assert out == ("Created Acme (/orgs/acme/) and e-mailed an admin invitation to admin@acme.example; "
                   "its link works once, for 7 days.\n")
    organization = Organization.objects.get()
    assert (organization.name, organization.slug, organization.created_at) == ("Acme", "acme", clock.moment)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.organization) == ("admin@acme.example", "admin",
                                                                            organization)
    [message] = mail.outbox
    assert message.to == ["admin@acme.example"] and message.subject == "Join Acme on twostep"
    assert "An admin invites you to join Acme on twostep as admin." in message.body
    assert events() == [
        ("organization.created", "operator (command line)", None, "Acme",
         {"slug": "acme", "admin_email": "admin@acme.example", "admin": "invited"}),
        ("organization.invitation_sent", "", None, "Acme",
         {"invitation_id": invitation.pk, "email": "admin@acme.example", "role": "admin"}),
    ]
    client.get(link_path(message))
    done = client.post("/invitations/accept/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    membership = Membership.objects.get()
    assert (membership.user.email, membership.role, membership.organization) == ("admin@acme.example", "admin",
                                                                                 organization)
    assert membership.user.check_password(NEW_PASSWORD)


def test_an_existing_user_becomes_admin_at_once(clock, make_user):
    user = make_user("ann@example.com")
    assert create("--name", "Acme", "--slug", "acme", "--admin-email", "ANN@example.com") == (
        "Created Acme (/orgs/acme/) with ann@example.com as admin.\n")
    assert list(Membership.objects.values_list("user", "organization__slug", "role")) == [(user.pk, "acme", "admin")]
    assert mail.outbox == [] and not Invitation.objects.exists()
    assert events() == [("organization.created", "operator (command line)", user.pk, "Acme",
                         {"slug": "acme", "admin_email": "ann@example.com", "admin": "existing user",
                          "mfa_required": True})]  # an admin must use MFA (TWOSTEP_MFA_REQUIRED_FOR=admins)


@pytest.mark.parametrize(("args", "error"), [
    (("--name", "Acme", "--slug", "acme", "--admin-email", "x@acme.example"),
     "An organization with this slug exists already. ('acme'); choose another --slug."),
    (("--name", " ", "--slug", "new", "--admin-email", "x@acme.example"), "--name must be 1 to 200 characters."),
    (("--name", "New", "--slug", "a b", "--admin-email", "x@acme.example"),
     "--slug must be letters, digits, - and _ (e.g. acme), not 'a b'."),
    (("--name", "New", "--slug", "new", "--admin-email", "nobody"), "--admin-email must be an e-mail address, "
                                                                    "not 'nobody'."),
])
def test_bad_arguments_change_nothing(clock, make_org, args, error):
    make_org("Acme", slug="acme")
    with pytest.raises(CommandError) as raised:
        create(*args)
    assert str(raised.value) == error
    assert Organization.objects.count() == 1 and mail.outbox == [] and events() == []


def test_a_failed_invitation_e_mail_leaves_no_organization(clock, settings, refusing_port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refusing_port
    with pytest.raises(CommandError, match=r"^The invitation e-mail could not be sent \(ConnectionRefusedError: "):
        create("--name", "Acme", "--slug", "acme", "--admin-email", "admin@acme.example")
    assert not Organization.objects.exists() and not Invitation.objects.exists() and events() == []
