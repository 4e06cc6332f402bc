"""Refused authorization is audited (OWASP ASVS 16.3.2): every 403 of an object check in organizations, support
and the admin site writes one ``access.denied`` event — actor, the page's URL pattern (never the raw path),
the organization when known and the rule — and the organization's admins read it on their audit page.
``tests/test_authorization_matrix.py`` pins that every 403 of every view is audited exactly once."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from tests.organizations.conftest import link_path
from tests.signin_helpers import force_sign_in
from twostep.audit.models import AuditEvent
from twostep.organizations.invitations import invite_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(make_user, make_org):
    admin, member = make_user("admin@acme.example"), make_user("member@acme.example")
    return make_org("Acme Calibration", slug="acme", admins=[admin], members=[member])


def denials():
    return list(AuditEvent.objects.filter(action="access.denied").order_by("id").values_list(
        "actor_id", "subject_id", "organization_id", "outcome", "detail"))


def test_a_member_at_the_admins_pages_is_audited_for_that_organization(client, clock, acme):
    admin, member = (m.user for m in acme.memberships.order_by("role"))
    force_sign_in(client, member, verified_at=clock.now)
    assert client.get("/orgs/acme/members/invite/").status_code == 403
    assert client.post(f"/orgs/acme/members/{admin.memberships.get().pk}/role/", {"role": "member"}).status_code == 403
    assert denials() == [
        (member.pk, None, acme.pk, "failure",
         {"path": "/orgs/<slug:slug>/members/invite/", "method": "GET", "rule": "not_organization_admin"}),
        (member.pk, None, acme.pk, "failure",
         {"path": "/orgs/<slug:slug>/members/<int:pk>/role/", "method": "POST", "rule": "not_organization_admin"})]

    force_sign_in(client, admin, verified_at=clock.now)
    page = client.get("/orgs/acme/audit/").content.decode()
    assert ('<td data-label="Action">Access refused</td>\n        <td data-label="Outcome">Failure</td>\n        '
            '<td data-label="By">member@acme.example</td>') in page
    assert ('<td data-label="Details">page: /orgs/&lt;slug:slug&gt;/members/invite/; method: GET; refused as: not an '
            'admin of this organization</td>') in page


def test_an_unknown_slug_is_audited_without_an_organization(client, clock, acme):
    member = acme.memberships.get(role="member").user
    force_sign_in(client, member, verified_at=clock.now)
    assert client.get("/orgs/no-such-org/settings/").status_code == 403
    assert denials() == [(member.pk, None, None, "failure",
                          {"path": "/orgs/<slug:slug>/settings/", "method": "GET", "rule": "not_organization_admin"})]


def test_another_organizations_admin_is_audited_for_the_organization_they_tried(client, clock, acme, make_user,
                                                                               make_org):
    outsider = make_user("boss@globex.example")
    make_org("Globex", slug="globex", admins=[outsider])
    force_sign_in(client, outsider, verified_at=clock.now)
    assert client.get("/orgs/acme/audit/").status_code == 403
    assert [(actor, organization) for actor, _, organization, _, _ in denials()] == [(outsider.pk, acme.pk)]


def test_support_refused_at_a_staff_account_is_audited_about_that_account(client, clock, make_user):
    support = make_user("support@twostep.example", is_staff=True)
    support.user_permissions.add(Permission.objects.get(content_type__app_label="support", codename="reset_mfa"))
    colleague = make_user("colleague@twostep.example", is_staff=True)
    force_sign_in(client, support, verified_at=clock.now)
    assert client.get(reverse("support:reset", args=[colleague.pk])).status_code == 403
    assert client.post(reverse("support:lift_hold", args=[support.pk]), {"reason": "x"}).status_code == 403
    assert denials() == [
        (support.pk, colleague.pk, None, "failure",
         {"path": "/support/users/<int:pk>/reset/", "method": "GET", "rule": "staff_account"}),
        (support.pk, support.pk, None, "failure",
         {"path": "/support/users/<int:pk>/lift-hold/", "method": "POST", "rule": "own_account"})]


def test_a_member_at_the_support_console_and_the_admin_site_is_audited(client, clock, acme):
    member = acme.memberships.get(role="member").user
    force_sign_in(client, member, verified_at=clock.now)
    assert client.get(f"/support/users/{member.pk}/").status_code == 403
    assert client.get("/admin/login/").status_code == 403
    assert [(d["path"], d["rule"]) for *_, d in denials()] == [
        ("/support/users/<int:pk>/", "not_support"), ("/admin/login/", "not_staff")]


def test_the_admin_sites_own_refusals_are_audited(client, clock, make_user):
    operator = make_user("root@twostep.example", is_staff=True, is_superuser=True)
    force_sign_in(client, operator, verified_at=clock.now)
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert denials() == [(operator.pk, None, None, "failure",
                          {"path": "/admin/audit/auditevent/add/", "method": "GET", "rule": "permission_denied"})]


def test_an_invitation_opened_by_another_account_is_audited_for_its_organization(client, clock, acme, settings):
    settings.TWOSTEP_BASE_URL = "https://portal.example"
    admin, member = (m.user for m in acme.memberships.order_by("role"))
    invite_member(acme, email="new@acme.example", role="member", actor=admin, now=clock.now)
    force_sign_in(client, member, verified_at=clock.now)
    client.get(link_path(mail.outbox[-1]))
    assert client.get("/invitations/accept/").status_code == 403
    assert denials() == [(member.pk, None, acme.pk, "failure",
                          {"path": "/invitations/accept/", "method": "GET", "rule": "other_account"})]
