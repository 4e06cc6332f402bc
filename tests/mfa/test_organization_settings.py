"""Organization settings: only that organization's admins may open them or switch Require MFA; switching on
needs MFA of the admin's own and a confirmation that names who will be asked to set it up."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password
from twostep.audit.models import AuditEvent
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.models import OrganizationMfaPolicy
from twostep.mfa.rollout import services as org_policy
from twostep.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(make_user, make_org, enrolled):
    admin = make_user("admin@acme.example")
    members = [make_user(f"m{i}@acme.example") for i in range(11)]
    for member in members[:2]:
        enrolled(member)
    return make_org("Acme Calibration", slug="acme", admins=[admin], members=members)


@pytest.fixture
def other_admin(make_user, make_org, enrolled):
    user = make_user("admin@northwind.example")
    enrolled(user)  # an admin must use MFA
    make_org("Northwind Labs", slug="northwind", admins=[user])
    return user


@pytest.fixture
def organizations_rule(settings):
    """``TWOSTEP_MFA_REQUIRED_FOR=organizations``: an admin signs in without MFA while no organization of theirs
    requires it, which is where the rule that switching Require MFA on needs MFA of one's own shows."""
    settings.TWOSTEP_MFA_REQUIRED_FOR = "organizations"


def signed_in(client, email):
    post_password(client, email)
    assert client.session.get("_auth_user_id"), f"{email} could not sign in"
    return client


@pytest.mark.parametrize("url", ["/orgs/acme/settings/", "/orgs/acme/settings/mfa/"])
def test_member_gets_403(client, clock, acme, url):
    response = signed_in(client, "m3@acme.example").get(url)
    assert response.status_code == 403
    assert list(AuditEvent.objects.filter(action="access.denied").values_list("detail__rule", flat=True)) == [
        "not_organization_admin"]


@pytest.mark.parametrize("url", ["/orgs/acme/settings/", "/orgs/acme/settings/mfa/"])
def test_admin_of_another_organization_gets_403(client, clock, acme, other_admin, url):
    assert signed_in_with_code(client, clock, other_admin).get(url).status_code == 403
    response = client.post("/orgs/acme/settings/mfa/", {"require_mfa": "on"})
    assert response.status_code == 403
    assert not OrganizationMfaPolicy.objects.filter(organization=acme).exists()


def test_unknown_organization_also_gets_403(client, clock, acme, enrolled):
    admin = enrolled(acme.memberships.get(role="admin").user).user
    assert signed_in_with_code(client, clock, admin).get("/orgs/nope/settings/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, acme):
    response = client.get("/orgs/acme/settings/mfa/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa:signin"))


def signed_in_with_code(client, clock, user):
    post_password(client, user.email)
    post_code(client, code_for(user, clock.now))
    assert client.session.get("_auth_user_id")
    return client


def test_admin_sees_what_will_happen_and_switches_it_on(client, clock, acme, enrolled):
    admin = enrolled(acme.memberships.get(role="admin").user).user
    signed_in_with_code(client, clock, admin)
    page = client.get("/orgs/acme/settings/").content.decode()
    assert 'href="/orgs/acme/settings/mfa/"' in page
    page = client.get("/orgs/acme/settings/mfa/").content.decode()
    assert "3 of 12 members have set up MFA." in page
    assert ("9 of 12 members have not set up MFA yet. If you require MFA, they will be asked to set it up "
            "at their next sign-in") in page
    assert "You have not set up MFA for your own account" not in page
    response = client.post("/orgs/acme/settings/mfa/", {"require_mfa": "on"})
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/mfa/confirm/"
    assert not OrganizationMfaPolicy.objects.exists() and not AuditEvent.objects.filter(
        action="organization.require_mfa_changed").exists()  # nothing happens before the confirmation
    response = client.get("/orgs/acme/settings/mfa/confirm/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Require MFA now?</h1>" in page
    assert "9 of 12 members have not set up MFA yet. Once you confirm, they will be asked to set it up" in page
    assert [m.user.email for m in response.context["page"]] == sorted(f"m{i}@acme.example" for i in range(2, 11))
    assert '<td data-label="E-mail address">m2@acme.example</td>' in page
    assert 'name="confirmed" value="yes"' in page and '<button type="submit" class="primary">Require MFA now' in page
    response = client.post("/orgs/acme/settings/mfa/", {"require_mfa": "on", "starts": "now", "confirmed": "yes"})
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/mfa/"
    policy = OrganizationMfaPolicy.objects.get(organization=acme)
    assert policy.required and policy.changed_by_id == admin.pk and policy.changed_at == clock.moment
    assert policy.enforce_from == clock.moment
    event = AuditEvent.objects.get(action="organization.require_mfa_changed")
    assert (event.actor_id, event.organization_id, event.detail["after"]["required"]) == (admin.pk, acme.pk, True)
    page = client.get("/orgs/acme/settings/mfa/").content.decode()
    assert "by admin@acme.example: Require MFA on" in page
    assert "9 of 12 members have not set up MFA yet: they will be asked to at their next sign-in" in page


def test_the_confirmation_names_the_members_without_mfa_page_by_page(client, clock, make_user, make_org, enrolled):
    admin = enrolled(make_user("admin@acme.example")).user
    people = [make_user(f"p{i:02}@acme.example", name=f"Person {i:02}") for i in range(60)]
    for person in people[:5]:
        enrolled(person)
    make_org("Acme Calibration", slug="acme", admins=[admin], members=people)
    signed_in_with_code(client, clock, admin)
    url = "/orgs/acme/settings/mfa/confirm/?starts=date&enforce_date=2026-12-14"
    first = client.get(url)
    assert first.status_code == 200
    page = first.content.decode()
    assert "55 of 61 members have not set up MFA yet. From 14 December 2026 they will be asked" in page
    assert [m.user.email for m in first.context["page"]] == [f"p{i:02}@acme.example" for i in range(5, 55)]
    assert "<td>Person 05</td>" in page and "Page 1 of 2" in page
    assert 'href="?starts=date&amp;enforce_date=2026-12-14&amp;page=2"' in page  # the date stays in the links
    second = client.get(url + "&page=2")
    assert [m.user.email for m in second.context["page"]] == [f"p{i:02}@acme.example" for i in range(55, 60)]
    assert 'name="enforce_date" value="2026-12-14"' in second.content.decode()
    assert not OrganizationMfaPolicy.objects.exists()


def test_when_everyone_has_mfa_the_confirmation_says_nobody_will_be_asked(client, clock, make_user, make_org,
                                                                          enrolled):
    admin = enrolled(make_user("admin@acme.example")).user
    make_org("Acme Calibration", slug="acme", admins=[admin])
    signed_in_with_code(client, clock, admin)
    page = client.get("/orgs/acme/settings/mfa/confirm/").content.decode()
    assert "Every member has set up MFA already: nobody will be asked to set it up." in page


ENROLL_LINK = '<a href="/mfa/setup/?next=%2Forgs%2Facme%2Fsettings%2Fmfa%2F">Set up MFA for your account</a>'


@pytest.mark.parametrize("form", [
    {"require_mfa": "on"},
    {"require_mfa": "on", "confirmed": "yes"},
    {"require_mfa": "on", "starts": "date", "enforce_date": "2026-12-14"},
    {"require_mfa": "on", "starts": "date", "enforce_date": "2026-12-14", "confirmed": "yes"},
], ids=["now", "now-confirmed", "date", "date-confirmed"])
def test_an_admin_without_mfa_cannot_switch_it_on(client, clock, acme, organizations_rule, form):
    signed_in(client, "admin@acme.example")
    page = client.get("/orgs/acme/settings/mfa/").content.decode()
    assert "You have not set up MFA for your own account yet." in page and ENROLL_LINK in page
    response = client.post("/orgs/acme/settings/mfa/", form)
    assert response.status_code == 403 and response.context["error"].code == "own_mfa_required"
    assert ENROLL_LINK in response.content.decode()  # the way to be allowed
    assert not OrganizationMfaPolicy.objects.exists()
    assert not AuditEvent.objects.filter(action="organization.require_mfa_changed").exists()
    assert client.get("/").status_code == 200  # the admin is not sent to setup: nothing was switched on


@pytest.mark.parametrize("query", ["", "?starts=date&enforce_date=2026-12-14"])
def test_an_admin_without_mfa_gets_no_confirmation_page(client, clock, acme, organizations_rule, query):
    signed_in(client, "admin@acme.example")
    response = client.get(f"/orgs/acme/settings/mfa/confirm/{query}")
    assert response.status_code == 403 and response.context["error"].code == "own_mfa_required"


def test_the_use_case_refuses_an_actor_without_mfa_and_writes_nothing(clock, acme):
    admin = acme.memberships.get(role="admin").user
    with pytest.raises(org_policy.OwnMfaRequiredError) as refused:
        org_policy.set_require_mfa(acme, required=True, actor=admin, moment=clock.moment)
    assert refused.value.code == "own_mfa_required"
    with pytest.raises(org_policy.OwnMfaRequiredError):
        org_policy.set_require_mfa(acme, required=True, actor=admin, moment=clock.moment,
                                   enforce_from=clock.moment + timedelta(days=14))
    assert not OrganizationMfaPolicy.objects.exists()
    assert not AuditEvent.objects.filter(action="organization.require_mfa_changed").exists()
    # Switching off is always allowed; an operator (no actor) may switch on.
    assert org_policy.set_require_mfa(acme, required=False, actor=admin, moment=clock.moment).required is False
    assert org_policy.set_require_mfa(acme, required=True, actor=None, moment=clock.moment).required is True


def test_an_unconfirmed_setup_is_not_mfa_of_ones_own(clock, acme):
    admin = acme.memberships.get(role="admin").user
    enrollments.start_enrollment(admin, binding="fixture", now=clock.now)
    with pytest.raises(org_policy.OwnMfaRequiredError):
        org_policy.set_require_mfa(acme, required=True, actor=admin, moment=clock.moment)


def test_another_admin_with_mfa_switches_it_on_and_the_first_is_asked_to_set_up(client, clock, acme, make_user,
                                                                                enrolled, organizations_rule):
    second = enrolled(make_user("second@acme.example")).user
    Membership.objects.create(user=second, organization=acme, role=Membership.Role.ADMIN)
    refused = signed_in(Client(), "admin@acme.example").post("/orgs/acme/settings/mfa/",
                                                              {"require_mfa": "on", "confirmed": "yes"})
    assert refused.status_code == 403
    signed_in_with_code(client, clock, second)
    response = client.post("/orgs/acme/settings/mfa/", {"require_mfa": "on", "confirmed": "yes"})
    assert response.status_code == 302 and OrganizationMfaPolicy.objects.get(organization=acme).required
    first = Client()
    assert post_password(first, "admin@acme.example")["Location"] == reverse("mfa:setup")


def test_an_admin_without_mfa_may_still_switch_it_off(client, clock, acme, organizations_rule):
    org_policy.set_require_mfa(acme, required=True, actor=None, moment=clock.moment,
                               enforce_from=clock.moment + timedelta(days=14))  # grace period: no MFA yet
    signed_in(client, "admin@acme.example")
    assert client.post("/orgs/acme/settings/mfa/", {})["Location"].startswith(reverse("mfa:stepup"))
    client.post(reverse("mfa:stepup"), {"password": PASSWORD, "next": "/"})  # no authenticator: the password
    response = client.post("/orgs/acme/settings/mfa/", {})
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/mfa/"
    assert OrganizationMfaPolicy.objects.get(organization=acme).required is False


def test_with_a_future_date_the_page_says_from_when_members_will_be_asked(client, clock, acme, enrolled):
    admin = enrolled(acme.memberships.get(role="admin").user).user
    signed_in_with_code(client, clock, admin)
    response = client.post("/orgs/acme/settings/mfa/",
                           {"require_mfa": "on", "starts": "date", "enforce_date": "2026-12-14", "confirmed": "yes"})
    assert response.status_code == 302
    page = client.get("/orgs/acme/settings/mfa/").content.decode()
    assert "Required from 14 December 2026" in page
    assert ("9 of 12 members have not set up MFA yet: from 14 December 2026 they will be asked to at their "
            "next sign-in (members who are signed in then, at their next page).") in page
