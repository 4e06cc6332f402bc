"""Organization settings: only that organization's admins may open them or switch Require MFA."""

import pytest
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password
from twostep.audit.models import AuditEvent
from twostep.mfa.models import OrganizationMfaPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(make_user, make_org, enrolled):
    admin = make_user("admin@acme.example")
    members = [make_user(f"m{i}@acme.example") for i in range(11)]
    for member in members[:2]:
        enrolled(member)
    return make_org("Acme Calibration", slug="acme", admins=[admin], members=members)


@pytest.fixture
def other_admin(make_user, make_org):
    user = make_user("admin@northwind.example")
    make_org("Northwind Labs", slug="northwind", admins=[user])
    return user


def signed_in(client, email):
    post_password(client, email)
    assert client.session.get("_auth_user_id"), f"{email} could not sign in"
    return client


@pytest.mark.parametrize("url", ["/orgs/acme/settings/", "/orgs/acme/settings/mfa/"])
def test_member_gets_403(client, clock, acme, url):
    response = signed_in(client, "m3@acme.example").get(url)
    assert response.status_code == 403
    assert "Only admins of this organization" in response.content.decode()


@pytest.mark.parametrize("url", ["/orgs/acme/settings/", "/orgs/acme/settings/mfa/"])
def test_admin_of_another_organization_gets_403(client, clock, acme, other_admin, url):
    assert signed_in(client, "admin@northwind.example").get(url).status_code == 403
    response = client.post("/orgs/acme/settings/mfa/", {"require_mfa": "on"})
    assert response.status_code == 403
    assert not OrganizationMfaPolicy.objects.filter(organization=acme).exists()


def test_unknown_organization_also_gets_403(client, clock, acme):
    assert signed_in(client, "admin@acme.example").get("/orgs/nope/settings/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, acme):
    response = client.get("/orgs/acme/settings/mfa/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa:signin"))


def test_admin_sees_what_will_happen_and_switches_it_on(client, clock, acme, enrolled):
    admin = acme.memberships.get(role="admin").user
    enrolled(admin)
    post_password(client, "admin@acme.example")
    post_code(client, code_for(admin, clock.now))
    page = client.get("/orgs/acme/settings/").content.decode()
    assert 'href="/orgs/acme/settings/mfa/"' in page
    page = client.get("/orgs/acme/settings/mfa/").content.decode()
    assert "3 of 12 members have set up MFA." in page
    assert ("9 of 12 members have not set up MFA yet. If you require MFA, they will be asked to set it up "
            "at their next sign-in") in page
    response = client.post("/orgs/acme/settings/mfa/", {"require_mfa": "on"})
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/mfa/"
    policy = OrganizationMfaPolicy.objects.get(organization=acme)
    admin_id = int(client.session["_auth_user_id"])
    assert policy.required and policy.changed_by_id == admin_id and policy.changed_at == clock.moment
    assert policy.enforce_from == clock.moment
    event = AuditEvent.objects.get(action="organization.require_mfa_changed")
    assert (event.actor_id, event.organization_id, event.detail["after"]["required"]) == (admin_id, acme.pk, True)
    page = client.get("/orgs/acme/settings/mfa/").content.decode()
    assert "by admin@acme.example: Require MFA on" in page
    assert "9 of 12 members have not set up MFA yet: they will be asked to at their next sign-in" in page


def test_admin_of_the_organization_is_itself_caught_after_switching_on(client, clock, acme):
    signed_in(client, "admin@acme.example")
    client.post("/orgs/acme/settings/mfa/", {"require_mfa": "on"})
    assert client.get("/orgs/acme/settings/mfa/")["Location"] == reverse("mfa:setup")


def test_with_a_future_date_the_page_says_from_when_members_will_be_asked(client, clock, acme, enrolled):
    admin = acme.memberships.get(role="admin").user
    enrolled(admin)
    post_password(client, "admin@acme.example")
    post_code(client, code_for(admin, clock.now))
    response = client.post("/orgs/acme/settings/mfa/",
                           {"require_mfa": "on", "starts": "date", "enforce_date": "2026-12-14"})
    assert response.status_code == 302
    page = client.get("/orgs/acme/settings/mfa/").content.decode()
    assert "Required from 14 December 2026" in page
    assert ("9 of 12 members have not set up MFA yet: from 14 December 2026 they will be asked to at their "
            "next sign-in (members who are signed in then, at their next page).") in page
