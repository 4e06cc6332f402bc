"""Membership management: role changes and removal by the organization's admins, never leaving it
without an admin."""

import pytest

from tests.organizations.conftest import sign_in
from tests.signin_helpers import enroll_with_codes
from twostep.accounts.models import User
from twostep.audit.models import AuditEvent
from twostep.organizations import membership as service
from twostep.organizations.models import Membership

pytestmark = pytest.mark.django_db


def org_events():
    return list(AuditEvent.objects.filter(action__startswith="organization.").order_by("id")
                .values_list("action", "actor_id", "subject_id", "organization_id", "detail"))


def ids(acme):
    admin = acme.memberships.get(user__email="admin@acme.example")
    member = acme.memberships.get(user__email="member@acme.example")
    return admin, member


def test_admin_changes_a_role(client, clock, acme):
    admin, member = ids(acme)
    sign_in(client, admin.user)
    response = client.post(f"/orgs/acme/members/{member.pk}/role/", {"role": "admin"})
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/"
    assert Membership.objects.get(pk=member.pk).role == "admin"
    page = client.get("/orgs/acme/settings/").content.decode()
    assert "member@acme.example is now admin of Acme Calibration." in page
    # An admin must use MFA (TWOSTEP_MFA_REQUIRED_FOR=admins, the default), and the event says it is now required.
    assert org_events() == [("organization.member_role_changed", admin.user_id, member.user_id, acme.pk,
                             {"before": "member", "after": "admin", "mfa_required": True})]
    # Now there are two admins: the first may step down, and lands on the home page.
    assert client.post(f"/orgs/acme/members/{admin.pk}/role/", {"role": "member"})["Location"] == "/"
    assert Membership.objects.get(pk=admin.pk).role == "member"
    assert client.get("/orgs/acme/settings/").status_code == 403  # no longer an admin


def test_same_role_is_no_change_and_no_event(client, clock, acme):
    admin, member = ids(acme)
    sign_in(client, admin.user)
    assert client.post(f"/orgs/acme/members/{member.pk}/role/", {"role": "member"}).status_code == 302
    assert org_events() == []


def test_last_admin_cannot_be_demoted(client, clock, acme):
    admin, _ = ids(acme)
    sign_in(client, admin.user)
    response = client.post(f"/orgs/acme/members/{admin.pk}/role/", {"role": "member"})
    assert response.status_code == 400 and response.context["error_code"] == "last_admin"
    assert Membership.objects.get(pk=admin.pk).role == "admin" and org_events() == []


def test_unknown_role_is_refused(client, clock, acme):
    admin, member = ids(acme)
    sign_in(client, admin.user)
    response = client.post(f"/orgs/acme/members/{member.pk}/role/", {"role": "owner"})
    assert response.status_code == 400 and response.context["error_code"] == "invalid_choice"
    assert Membership.objects.get(pk=member.pk).role == "member"


def test_admin_removes_a_member(client, clock, acme):
    admin, member = ids(acme)
    sign_in(client, admin.user)
    confirm = client.get(f"/orgs/acme/members/{member.pk}/remove/")
    assert confirm.status_code == 200 and "Remove member@acme.example?" in confirm.content.decode()
    response = client.post(f"/orgs/acme/members/{member.pk}/remove/")
    assert response.status_code == 302 and response["Location"] == "/orgs/acme/settings/"
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert User.objects.filter(email="member@acme.example").exists()  # the account stays
    assert org_events() == [("organization.member_removed", admin.user_id, member.user_id, acme.pk,
                             {"role": "member"})]


def test_last_admin_cannot_be_removed(client, clock, acme):
    admin, _ = ids(acme)
    sign_in(client, admin.user)
    response = client.post(f"/orgs/acme/members/{admin.pk}/remove/")
    assert response.status_code == 400 and response.context["error"].code == "last_admin"
    assert Membership.objects.filter(pk=admin.pk).exists() and org_events() == []


def test_admin_may_leave_when_another_admin_remains(client, clock, acme):
    admin, member = ids(acme)
    Membership.objects.filter(pk=member.pk).update(role="admin")
    sign_in(client, admin.user)
    response = client.post(f"/orgs/acme/members/{admin.pk}/remove/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert list(acme.memberships.values_list("user__email", "role")) == [("member@acme.example", "admin")]


def test_service_refuses_demoting_the_last_admin_from_a_stale_copy(clock, acme):
    """Two admins demoting each other from pages loaded at the same time: the second one is refused."""
    admin, member = ids(acme)
    Membership.objects.filter(pk=member.pk).update(role="admin")
    member.refresh_from_db()
    service.change_role(admin, role="member", actor=member.user)
    with pytest.raises(service.LastAdminError):
        service.change_role(member, role="member", actor=admin.user)
    assert list(acme.memberships.filter(role="admin").values_list("user__email", flat=True)) == [
        "member@acme.example"]


@pytest.mark.parametrize("who", ["member@acme.example", "admin@northwind.example"])
def test_only_admins_of_the_organization_change_or_remove(client, clock, acme, make_user, make_org, who):
    admin, member = ids(acme)
    outsider = make_user("admin@northwind.example")
    enroll_with_codes(outsider, now=clock.now - 3600)  # an admin uses MFA
    make_org("Northwind Labs", slug="northwind", admins=[outsider])
    sign_in(client, User.objects.get(email=who))
    assert client.post(f"/orgs/acme/members/{admin.pk}/role/", {"role": "member"}).status_code == 403
    assert client.get(f"/orgs/acme/members/{admin.pk}/remove/").status_code == 403
    assert client.post(f"/orgs/acme/members/{admin.pk}/remove/").status_code == 403
    if who == "admin@northwind.example":  # their own organization's URL with an Acme membership
        assert client.post(f"/orgs/northwind/members/{member.pk}/role/", {"role": "admin"}).status_code == 404
        assert client.post(f"/orgs/northwind/members/{member.pk}/remove/").status_code == 404
    assert sorted(acme.memberships.values_list("user__email", "role")) == [
        ("admin@acme.example", "admin"), ("member@acme.example", "member")]
    assert org_events() == []


def test_anonymous_cannot_change_anything(client, acme):
    admin, _ = ids(acme)
    response = client.post(f"/orgs/acme/members/{admin.pk}/remove/")
    assert response.status_code == 302 and response["Location"].startswith("/signin/")
    assert acme.memberships.count() == 2
