"""The organization's audit log: its admins see their members' events, nobody else sees anything."""

import pytest
from django.urls import reverse

from tests.conftest import post_password
from twostep.audit import events
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/orgs/acme/audit/"


@pytest.fixture
def world(make_user, make_org):
    admin, member, outsider = (make_user(e) for e in ("admin@acme.example", "member@acme.example",
                                                     "outsider@globex.example"))
    acme = make_org("Acme Calibration", slug="acme", admins=[admin], members=[member])
    globex = make_org("Globex", slug="globex", admins=[outsider], members=[member])
    events.record(events.SIGNIN_SUCCEEDED, actor=member, subject=member)
    events.record(events.CODE_FAILED, actor=member, subject=member, outcome="failure", reason="invalid_code")
    events.record(events.ORG_MFA_CHANGED, actor=admin, organization=acme)
    events.record(events.SIGNIN_SUCCEEDED, actor=outsider, subject=outsider)
    events.record(events.ORG_MFA_CHANGED, actor=outsider, organization=globex)
    events.record(events.MFA_RESET, actor=outsider, subject=member, organization=globex)
    return {"admin": admin, "member": member, "outsider": outsider}


def rows(response) -> list[tuple[str, str]]:
    return [(e.action, e.actor_label) for e in response.context["page"].object_list]


def test_admin_sees_the_members_events_and_the_organizations_newest_first(client, clock, world):
    post_password(client, "admin@acme.example")
    response = client.get(URL)
    assert response.status_code == 200
    # The admin's own sign-in just now is the newest: admins are members too. Nothing of Globex shows.
    assert rows(response) == [("signin.succeeded", "admin@acme.example"),
                              ("organization.require_mfa_changed", "admin@acme.example"),
                              ("mfa.code_failed", "member@acme.example"),
                              ("signin.succeeded", "member@acme.example")]


def test_filter_by_action(client, clock, world):
    post_password(client, "admin@acme.example")
    response = client.get(URL, {"action": "mfa.code_failed"})
    assert response.status_code == 200 and rows(response) == [("mfa.code_failed", "member@acme.example")]
    page = response.content.decode()
    assert '<option value="mfa.code_failed" selected>' in page and 'value="mfa.reset"' not in page
    unknown = client.get(URL, {"action": "mfa.reset"})
    assert unknown.status_code == 400 and "Choose an action from the list." in unknown.content.decode()
    assert rows(unknown) == []


def test_fifty_events_a_page(client, clock, world):
    for _ in range(47):  # with the admin's sign-in, 51 events
        events.record(events.STEP_UP, actor=world["member"], subject=world["member"])
    post_password(client, "admin@acme.example")
    first = client.get(URL)
    assert len(rows(first)) == 50 and "Page 1 of 2" in first.content.decode()
    second = client.get(URL, {"page": 2})
    assert rows(second) == [("signin.succeeded", "member@acme.example")]
    assert client.get(URL, {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize("email", ["member@acme.example", "outsider@globex.example"])
def test_members_and_admins_of_other_organizations_get_403(client, clock, world, email):
    post_password(client, email)
    response = client.get(URL)
    assert response.status_code == 403 and "Only admins of this organization" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client, clock, world):
    assert client.get(URL)["Location"] == f"{reverse('mfa:signin')}?next={URL}"


def test_settings_page_links_to_the_audit_log(client, clock, world):
    post_password(client, "admin@acme.example")
    assert f'href="{URL}"' in client.get("/orgs/acme/settings/").content.decode()
    assert AuditEvent.objects.count() == 7


def test_actions_show_as_labels_with_a_summary_of_the_details(client, clock, world):
    events.record(events.RECOVERY_CODE_USED, actor=world["member"], subject=world["member"], purpose="signin",
                  remaining=9, cleared_lockout=False)
    post_password(client, "admin@acme.example")
    page = client.get(URL).content.decode()
    assert '<td data-label="Action">Recovery code used</td>' in page
    assert '<td data-label="Details">purpose: signin; remaining: 9; cleared lockout: no</td>' in page
    assert '<td data-label="Action">Wrong code</td>' in page
    assert '<td data-label="Details">reason: invalid_code</td>' in page
    assert '<option value="mfa.code_failed">Wrong code</option>' in page
    assert ">mfa.code_failed<" not in page


def test_every_action_has_a_label():
    from twostep.audit.labels import LABELS

    actions = {value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)}
    assert actions == set(LABELS)
