"""The organization's audit log: its admins see their organization's events and their members' account events
since they joined, a member's address and browser only while the member belongs to no other organization; nobody
else sees anything."""

import pytest
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password
from twostep.audit import events
from twostep.audit.models import AuditEvent
from twostep.organizations.activity import events_for
from twostep.organizations.models import Organization

pytestmark = pytest.mark.django_db

URL = "/orgs/acme/audit/"
SHARED_IP, ACME_IP, LONER_IP, BEFORE_IP, SUPPORT_IP = (
    "203.0.113.7", "192.0.2.1", "198.51.100.9", "198.51.100.1", "192.0.2.200")


@pytest.fixture
def world(clock, make_user, make_org, enrolled):
    """Acme (admin; loner, in no other organization) and Globex (outsider, its admin) share member, who
    signed in once before joining either."""
    admin, member, outsider, loner = (make_user(e) for e in ("admin@acme.example", "member@acme.example",
                                                             "outsider@globex.example", "loner@acme.example"))
    enrolled(admin)  # admins use MFA; set up before they joined, so not in the logs
    enrolled(outsider)
    events.record(events.SIGNIN_SUCCEEDED, actor=member, subject=member, client=(BEFORE_IP, "Opera"))
    clock.advance(60)
    acme = make_org("Acme Calibration", slug="acme", admins=[admin], members=[member, loner])
    globex = make_org("Globex", slug="globex", admins=[outsider], members=[member])
    clock.advance(60)
    events.record(events.SIGNIN_SUCCEEDED, actor=member, subject=member, client=(SHARED_IP, "Firefox"))
    events.record(events.CODE_FAILED, actor=member, subject=member, outcome="failure", reason="invalid_code",
                  client=(SHARED_IP, "Firefox"))
    events.record(events.ORG_MFA_CHANGED, actor=admin, organization=acme, client=(ACME_IP, "Edge"))
    events.record(events.SIGNIN_SUCCEEDED, actor=loner, subject=loner, client=(LONER_IP, "Safari"))
    events.record(events.SIGNIN_SUCCEEDED, actor=outsider, subject=outsider)
    events.record(events.ORG_MFA_CHANGED, actor=outsider, organization=globex)
    events.record(events.MFA_RESET, actor=outsider, subject=member, organization=globex)
    clock.advance(60)
    return {"admin": admin, "member": member, "outsider": outsider, "loner": loner}


def signed_in(client, user, clock):
    assert post_password(client, user.email)["Location"] == reverse("mfa:code")
    assert post_code(client, code_for(user, clock.now)).status_code == 302
    return client


def rows(response) -> list[tuple[str, str]]:
    return [(e.action, e.actor_label) for e in response.context["page"].object_list]


def clients(response) -> list[tuple[str, str | None, str]]:
    return [(e.subject_label or e.organization_label, e.ip_address, e.user_agent)
            for e in response.context["page"].object_list]


def test_admin_sees_the_members_events_and_the_organizations_newest_first(client, clock, world):
    response = signed_in(client, world["admin"], clock).get(URL)
    assert response.status_code == 200
    # The admin's own sign-in just now is the newest: admins are members too. Nothing of Globex shows, nor the
    # member's sign-in from before they joined.
    assert rows(response) == [("signin.succeeded", "admin@acme.example"),
                              ("signin.succeeded", "loner@acme.example"),
                              ("organization.require_mfa_changed", "admin@acme.example"),
                              ("mfa.code_failed", "member@acme.example"),
                              ("signin.succeeded", "member@acme.example")]


def test_a_shared_members_address_and_browser_show_in_neither_organization(client, clock, world):
    """Globex's admin sees the shared member's sign-ins, not where from, and nothing recorded for Acme; Acme's
    admin sees its own events and its only-Acme member in full."""
    globex = signed_in(client, world["outsider"], clock).get("/orgs/globex/audit/")
    assert globex.status_code == 200
    assert clients(globex) == [("outsider@globex.example", "127.0.0.1", ""),
                               ("member@acme.example", None, ""),  # the reset by Globex's admin: Globex's own
                               ("Globex", None, ""),
                               ("outsider@globex.example", None, ""),
                               ("member@acme.example", None, ""),
                               ("member@acme.example", None, "")]
    assert [e.client_shown for e in globex.context["page"].object_list] == [True, True, True, True, False, False]
    page = globex.content.decode()
    for hidden in (SHARED_IP, ACME_IP, BEFORE_IP, LONER_IP, "Acme Calibration</td>", "Firefox", "Edge"):
        assert hidden not in page
    assert page.count('<td data-label="IP address">not shown</td>') == 2
    client.logout()
    acme = signed_in(client, world["admin"], clock).get(URL)
    assert clients(acme) == [("admin@acme.example", "127.0.0.1", ""), ("loner@acme.example", LONER_IP, "Safari"),
                             ("Acme Calibration", ACME_IP, "Edge"), ("member@acme.example", None, ""),
                             ("member@acme.example", None, "")]
    assert SHARED_IP not in acme.content.decode() and f'<td data-label="IP address">{LONER_IP}</td>' in (
        acme.content.decode())


def test_a_member_who_leaves_the_other_organization_shows_in_full_from_then(clock, world):
    acme = Organization.objects.get(slug="acme")
    assert [e.ip_address for e in events_for(acme).filter(subject_id=world["member"].pk)] == [None, None]
    world["member"].memberships.get(organization__slug="globex").delete()
    assert [e.ip_address for e in events_for(acme).filter(subject_id=world["member"].pk)] == [SHARED_IP, SHARED_IP]


def test_addresses_in_the_details_follow_the_same_rule(client, clock, world):
    for user in (world["member"], world["loner"]):
        events.record(events.MFA_DISOWNED, actor=user, subject=user, client=(SHARED_IP, "Firefox"),
                      authenticator_removed=True, recovery_codes=10, setup_ip="203.0.113.99")
    shown = events_for(Organization.objects.get(slug="acme")).filter(action=events.MFA_DISOWNED)
    assert [(e.subject_label, e.detail) for e in shown] == [
        ("loner@acme.example", {"authenticator_removed": True, "recovery_codes": 10, "setup_ip": "203.0.113.99"}),
        ("member@acme.example", {"authenticator_removed": True, "recovery_codes": 10})]
    page = signed_in(client, world["admin"], clock).get(URL, {"action": events.MFA_DISOWNED}).content.decode()
    assert page.count("203.0.113.99") == 1
    assert '<td data-label="Details">authenticator removed: yes; recovery codes: 10</td>' in page


def test_support_staffs_address_is_never_shown(clock, world, make_user):
    support = make_user("support@twostep.example", is_staff=True)
    events.record(events.MFA_RESET, actor=support, subject=world["loner"], client=(SUPPORT_IP, "Chrome"),
                  reason="Lost phone", ticket="", authenticators=1, recovery_codes=10)
    reset = events_for(Organization.objects.get(slug="acme")).get(action=events.MFA_RESET)
    assert (reset.subject_label, reset.ip_address, reset.user_agent, reset.detail["reason"]) == (
        "loner@acme.example", None, "", "Lost phone")


def test_a_blanked_event_cannot_be_saved_back(clock, world):
    event = events_for(Organization.objects.get(slug="acme")).filter(subject_id=world["member"].pk).first()
    assert event.ip_address is None
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).ip_address == SHARED_IP


def test_filter_by_action(client, clock, world):
    signed_in(client, world["admin"], clock)
    response = client.get(URL, {"action": "mfa.code_failed"})
    assert response.status_code == 200 and rows(response) == [("mfa.code_failed", "member@acme.example")]
    page = response.content.decode()
    assert '<option value="mfa.code_failed" selected>' in page and 'value="mfa.reset"' not in page
    unknown = client.get(URL, {"action": "mfa.reset"})
    assert unknown.status_code == 400 and unknown.context["form"].has_error("action", "invalid_choice")
    assert rows(unknown) == []


def test_fifty_events_a_page(client, clock, world):
    for _ in range(46):  # with the admin's sign-in, 51 events
        events.record(events.STEP_UP, actor=world["member"], subject=world["member"])
    signed_in(client, world["admin"], clock)
    first = client.get(URL)
    assert len(rows(first)) == 50 and "Page 1 of 2" in first.content.decode()
    second = client.get(URL, {"page": 2})
    assert rows(second) == [("signin.succeeded", "member@acme.example")]
    assert second.context["page"].object_list[0].ip_address is None  # hidden on every page
    assert client.get(URL, {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize("email", ["member@acme.example", "outsider@globex.example"])
def test_members_and_admins_of_other_organizations_get_403(client, clock, world, email):
    if email == "member@acme.example":
        post_password(client, email)
    else:
        signed_in(client, world["outsider"], clock)
    response = client.get(URL)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied").latest("id").detail["rule"] == "not_organization_admin"


def test_anonymous_is_sent_to_sign_in(client, clock, world):
    assert client.get(URL)["Location"] == f"{reverse('mfa:signin')}?next={URL}"


def test_settings_page_links_to_the_audit_log(client, clock, world):
    before = AuditEvent.objects.count()
    signed_in(client, world["admin"], clock)
    assert f'href="{URL}"' in client.get("/orgs/acme/settings/").content.decode()
    assert AuditEvent.objects.count() == before + 1  # the sign-in; reading writes nothing


def test_actions_show_as_labels_with_a_summary_of_the_details(client, clock, world):
    events.record(events.RECOVERY_CODE_USED, actor=world["member"], subject=world["member"], purpose="signin",
                  remaining=9, cleared_lockout=False)
    page = signed_in(client, world["admin"], clock).get(URL).content.decode()
    assert '<td data-label="Action">Recovery code used</td>' in page
    assert '<td data-label="Details">purpose: signin; remaining: 9; cleared lockout: no</td>' in page
    assert '<td data-label="Action">Wrong code</td>' in page
    assert '<td data-label="Details">reason: wrong code</td>' in page
    assert '<option value="mfa.code_failed">Wrong code</option>' in page
    assert ">mfa.code_failed<" not in page


def test_details_read_in_plain_language_with_readable_dates(client, clock, world):
    """Codes and ISO 8601 stamps as people say them: "code already used", "14 Dec 2026, 00:00"."""
    events.record(events.CODE_FAILED, actor=world["member"], subject=world["member"], outcome="failure",
                  reason="replayed_code", factor="totp")
    events.record(events.ORG_MFA_CHANGED, actor=world["admin"], organization=Organization.objects.get(slug="acme"),
                  before={"required": False, "enforce_from": None},
                  after={"required": True, "enforce_from": "2026-12-14T00:00:00+00:00"})
    page = signed_in(client, world["admin"], clock).get(URL).content.decode()
    assert '<td data-label="Details">reason: code already used; factor: authenticator app</td>' in page
    assert ('<td data-label="Details">was: required no, from —; now: required yes, from 14 Dec 2026, 00:00</td>'
            in page)
    assert "replayed_code" not in page and "2026-12-14T" not in page
    assert f'<td><time datetime="{clock.moment.isoformat()}">{clock.moment:%-d %b %Y, %H:%M:%S}</time></td>' in page


def test_every_action_has_a_label():
    from twostep.audit.labels import LABELS

    actions = {value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)}
    assert actions == set(LABELS)
