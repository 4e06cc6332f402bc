"""TWOSTEP_MFA_REQUIRED_FOR: who must use MFA besides the members of organizations that require it. Under the
default, ``admins``, every admin of any organization must, at once (no grace period), as support and staff do;
``organizations`` is the rule of organizations alone; ``everyone`` covers every account."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password, prove_mailbox
from tests.signin_helpers import enroll_with_codes, force_sign_in
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.mfa import policy
from twostep.mfa.models import Authenticator
from twostep.mfa.recovery import reset
from twostep.organizations import invitations, membership
from twostep.organizations.models import Membership

pytestmark = pytest.mark.django_db

BECAUSE_ADMIN = "Multi-factor authentication is required because you are an admin of Northwind Labs"


@pytest.fixture
def northwind(make_user, make_org):
    """Northwind Labs, which does not require MFA: Nora is its admin, Max a member."""
    nora, max_ = make_user("nora@northwind.example"), make_user("max@northwind.example")
    return make_org("Northwind Labs", slug="northwind", admins=[nora], members=[max_])


def user(email: str):
    return User.objects.get(email=email)


def at_northwind(who) -> Membership:
    return Membership.objects.get(user=who, organization__slug="northwind")


def role_events():
    return list(AuditEvent.objects.filter(action__startswith="organization.member_").order_by("id")
                .values_list("action", "subject_label", "detail"))


def test_the_default_is_admins(settings):
    assert settings.TWOSTEP_MFA_REQUIRED_FOR == "admins" and policy.required_for() == "admins"


def test_an_admin_of_an_organization_without_require_mfa_sets_it_up_at_sign_in(client, clock, northwind):
    assert post_password(client, "nora@northwind.example")["Location"] == reverse("mfa:setup")
    assert client.get(reverse("organizations:settings", args=["northwind"]))["Location"] == reverse("mfa:setup")
    assert client.get(reverse("mfa:members_csv", args=["northwind"]))["Location"] == reverse("mfa:setup")
    prove_mailbox(client)
    page = client.get(reverse("mfa:setup")).content.decode()
    assert (f"<p>{BECAUSE_ADMIN}: at every sign-in, a 6-digit code from an authenticator app on your phone.</p>"
            in page)
    done = post_code(client, code_for(user("nora@northwind.example"), clock.now), url="mfa:setup_confirm")
    assert done.status_code == 200 and client.get(reverse("mfa:members", args=["northwind"])).status_code == 200
    # A member of Northwind is no admin: the password alone, as before.
    other = client.__class__()
    assert post_password(other, "max@northwind.example")["Location"] == reverse("home")


def test_under_organizations_an_admin_signs_in_with_the_password_alone(client, clock, northwind, settings):
    settings.TWOSTEP_MFA_REQUIRED_FOR = "organizations"
    assert post_password(client, "nora@northwind.example")["Location"] == reverse("home")
    assert client.get(reverse("mfa:members_csv", args=["northwind"])).status_code == 200
    assert policy.reason(user("nora@northwind.example")) is None


def test_under_everyone_every_account_sets_it_up(client, clock, make_user, settings):
    settings.TWOSTEP_MFA_REQUIRED_FOR = "everyone"
    solo = make_user("solo@example.com")  # in no organization
    assert post_password(client, "solo@example.com")["Location"] == reverse("mfa:setup")
    prove_mailbox(client)
    assert ("<p>Multi-factor authentication is required for every account: at every sign-in, a 6-digit code"
            in client.get(reverse("mfa:setup")).content.decode())
    assert policy.reason(solo) == "Multi-factor authentication is required for every account."


def test_an_organization_that_requires_mfa_is_named_first(client, clock, northwind, make_org, require_mfa):
    require_mfa(make_org("Acme Calibration", members=[user("nora@northwind.example")]))
    assert policy.reason(user("nora@northwind.example")) == "Acme Calibration requires multi-factor authentication."


def test_an_open_session_of_a_member_made_admin_is_caught_at_its_next_request(client, clock, northwind):
    """No grace period: the rights an admin gets work at once, so the protection does too."""
    assert post_password(client, "max@northwind.example")["Location"] == reverse("home")
    assert client.get("/").status_code == 200
    nora = user("nora@northwind.example")
    membership.change_role(at_northwind(user("max@northwind.example")), role="admin", actor=nora)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa:setup")
    assert client.session.get("_auth_user_id") is None
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [f"{BECAUSE_ADMIN}."]
    assert role_events() == [("organization.member_role_changed", "max@northwind.example",
                              {"before": "member", "after": "admin", "mfa_required": True})]


def test_a_role_change_says_when_it_makes_mfa_required_and_when_no_longer(clock, northwind, make_org, require_mfa):
    nora, max_ = user("nora@northwind.example"), user("max@northwind.example")
    max_membership = at_northwind(max_)
    membership.change_role(max_membership, role="admin", actor=nora)
    membership.change_role(at_northwind(nora), role="member", actor=max_)
    require_mfa(make_org("Acme Calibration", members=[nora]))  # now required of Nora by Acme
    membership.change_role(at_northwind(nora), role="admin", actor=max_)
    assert role_events() == [
        ("organization.member_role_changed", "max@northwind.example",
         {"before": "member", "after": "admin", "mfa_required": True}),
        ("organization.member_role_changed", "nora@northwind.example",
         {"before": "admin", "after": "member", "mfa_required": False}),
        ("organization.member_role_changed", "nora@northwind.example",
         {"before": "member", "after": "admin"}),  # Acme requires it anyway: no change to who must enroll
    ]


def test_removing_the_membership_that_made_mfa_required_says_so(clock, northwind, make_org):
    nora = user("nora@northwind.example")
    make_org("Globex", slug="globex", admins=[user("max@northwind.example")])
    membership.change_role(at_northwind(user("max@northwind.example")), role="admin", actor=nora)
    membership.remove_member(at_northwind(nora), actor=user("max@northwind.example"))
    assert role_events()[-1] == ("organization.member_removed", "nora@northwind.example",
                                 {"role": "admin", "mfa_required": False})


def test_under_organizations_a_role_change_changes_nothing_of_mfa(client, clock, northwind, settings):
    settings.TWOSTEP_MFA_REQUIRED_FOR = "organizations"
    post_password(client, "max@northwind.example")
    membership.change_role(at_northwind(user("max@northwind.example")), role="admin",
                           actor=user("nora@northwind.example"))
    assert client.get("/").status_code == 200
    assert role_events() == [("organization.member_role_changed", "max@northwind.example",
                              {"before": "member", "after": "admin"})]


def test_someone_invited_as_admin_sets_up_mfa_at_the_first_sign_in(client, clock, northwind):
    invitation = invitations.invite_member(northwind, email="new@northwind.example", role="admin",
                                           actor=user("nora@northwind.example"), now=clock.now)
    new = invitations.accept_as_new_user(invitation, password=PASSWORD, now=clock.now)
    accepted = AuditEvent.objects.get(action="organization.invitation_accepted")
    assert accepted.detail == {"invitation_id": invitation.pk, "role": "admin", "new_account": True,
                               "mfa_required": True}
    assert post_password(client, new.email)["Location"] == reverse("mfa:setup")


def test_an_admin_cannot_turn_mfa_off(client, clock, northwind):
    nora = user("nora@northwind.example")
    enroll_with_codes(nora, now=clock.now - 60)
    force_sign_in(client, nora, verified_at=clock.now, stepped_up_at=clock.now)
    security = client.get(reverse("mfa:security")).content.decode()
    assert f"{BECAUSE_ADMIN}. It cannot be turned off." in security
    assert f'href="{reverse("mfa:disable")}"' not in security
    assert client.get(reverse("mfa:disable")).status_code == 403
    response = client.post(reverse("mfa:disable"))
    assert response.status_code == 403
    assert Authenticator.objects.filter(user=nora).exists()
    assert not AuditEvent.objects.filter(action="mfa.disabled").exists()
    with pytest.raises(reset.MfaStillRequiredError) as refused:
        reset.disable_mfa(nora)
    assert refused.value.code == "mfa_required"


def test_under_organizations_an_admin_may_turn_mfa_off(client, clock, northwind, settings):
    settings.TWOSTEP_MFA_REQUIRED_FOR = "organizations"
    nora = user("nora@northwind.example")
    enroll_with_codes(nora, now=clock.now - 60)
    force_sign_in(client, nora, verified_at=clock.now, stepped_up_at=clock.now)
    assert client.post(reverse("mfa:disable"))["Location"] == reverse("mfa:security")
    assert not Authenticator.objects.filter(user=nora).exists()


def test_the_policy_of_an_admin_is_still_one_query(clock, northwind, make_org):
    nora = user("nora@northwind.example")
    for index in range(5):
        make_org(f"Org {index}", members=[nora])
    with CaptureQueriesContext(connection) as queries:
        requirement = policy.requirement_for(nora)
    assert len(queries) == 1
    assert requirement.is_admin and requirement.enforced_from is None and requirement.required_at(clock.moment)
    assert not policy.requirement_for(user("max@northwind.example")).required_at(clock.moment)


def test_a_code_sign_in_of_an_admin_works_as_for_anyone(client, clock, northwind):
    nora = user("nora@northwind.example")
    enroll_with_codes(nora, now=clock.now - 60)
    assert post_password(client, nora.email, PASSWORD)["Location"] == reverse("mfa:code")
    assert post_code(client, code_for(nora, clock.now))["Location"] == reverse("home")
    assert client.get(reverse("organizations:settings", args=["northwind"])).status_code == 200
