"""The policy: any organization requiring MFA applies to all of a user's sign-ins, and open sessions
are caught by the middleware when the switch is turned on."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password, prove_mailbox
from twostep.mfa import policy

pytestmark = pytest.mark.django_db


def test_any_organization_requiring_mfa_applies_to_all(client, clock, make_user, make_org, require_mfa):
    member = make_user("member@acme.example")
    acme = make_org("Acme Calibration", members=[member])
    make_org("Northwind Labs", members=[member])
    assert post_password(client, "member@acme.example")["Location"] == reverse("home")
    client.post(reverse("mfa:signout"))
    require_mfa(acme)
    assert post_password(client, "member@acme.example")["Location"] == reverse("mfa:setup")


def test_user_with_an_authenticator_needs_a_code_even_when_no_organization_requires_it(
        client, clock, make_user, enrolled):
    user = make_user("solo@example.com")
    enrolled(user)
    assert post_password(client, "solo@example.com")["Location"] == reverse("mfa:code")


def test_staff_must_use_mfa(client, clock, make_user):
    make_user("ops@example.com", is_staff=True)
    assert post_password(client, "ops@example.com")["Location"] == reverse("mfa:setup")


def test_open_session_is_caught_when_the_switch_is_turned_on(client, clock, make_user, make_org, require_mfa):
    member = make_user("member@acme.example")
    acme = make_org("Acme Calibration", members=[member])
    post_password(client, "member@acme.example")
    assert client.get("/").status_code == 200
    require_mfa(acme)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa:setup")
    assert client.session.get("_auth_user_id") is None
    prove_mailbox(client)
    client.get(reverse("mfa:setup"))
    done = post_code(client, code_for(member, clock.now), url="mfa:setup_confirm")
    assert done.status_code == 200 and 'href="/">I have saved my recovery codes</a>' in done.content.decode()
    assert client.get("/").status_code == 200


def test_a_caught_open_session_is_not_stepped_up_by_its_code(client, clock, make_user, make_org, require_mfa):
    """Its password was checked at an earlier sign-in, so the code alone is no step-up."""
    from twostep.mfa.stepup import services as stepup

    member = make_user("member@acme.example")
    acme = make_org("Acme Calibration", members=[member])
    post_password(client, "member@acme.example")
    require_mfa(acme)
    client.get("/")
    prove_mailbox(client)
    client.get(reverse("mfa:setup"))
    post_code(client, code_for(member, clock.now), url="mfa:setup_confirm")
    assert client.get("/").status_code == 200
    assert stepup.SESSION_KEY not in client.session
    assert client.get(reverse("mfa:change_email"))["Location"].startswith(reverse("mfa:stepup"))


def test_open_session_of_a_user_with_an_authenticator_is_asked_for_a_code(
        client, clock, make_user, make_org, require_mfa, enrolled):
    member = make_user("member@acme.example")
    acme = make_org("Acme Calibration", members=[member])
    post_password(client, "member@acme.example")
    enrolled(member)  # e.g. set up on another device meanwhile
    require_mfa(acme)
    assert client.get("/")["Location"] == reverse("mfa:code")


def test_signed_in_with_a_code_is_not_asked_again(client, clock, make_user, make_org, require_mfa, enrolled):
    member = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", members=[member]))
    enrolled(member)
    post_password(client, "member@acme.example")
    post_code(client, code_for(member, clock.now))
    assert client.get("/").status_code == 200
    # A session that passed a code costs the middleware no policy query.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("mfa:signout")).status_code == 200
    assert not any("mfa_organizationmfapolicy" in q["sql"] for q in queries)


def test_policy_is_one_query(clock, make_user, make_org, require_mfa):
    member = make_user("member@acme.example")
    for index in range(5):
        make_org(f"Org {index}", members=[member])
    require_mfa(make_org("Requiring", members=[member]))
    with CaptureQueriesContext(connection) as queries:
        requirement = policy.requirement_for(member)
    assert len(queries) == 1
    assert requirement.enforced_from == clock.moment and not requirement.has_authenticator
    assert requirement.required_at(clock.moment)


def test_switched_off_organization_no_longer_requires(clock, make_user, make_org, require_mfa):
    from twostep.mfa.rollout.services import set_require_mfa

    member = make_user("member@acme.example")
    acme = make_org("Acme Calibration", members=[member])
    require_mfa(acme)
    set_require_mfa(acme, required=False, actor=None, moment=clock.moment)
    assert policy.mfa_required(member, moment=clock.moment) is False


@pytest.mark.parametrize("script_name", ["/mfa/not-me", "/static", "/healthz"])
def test_a_script_name_header_does_not_exempt_a_page(client, clock, make_user, make_org, require_mfa, script_name):
    """A proxy may pass SCRIPT_NAME on from a header: it must not make a page look like an exempt one."""
    member = make_user("member@acme.example")
    acme = make_org("Acme Calibration", slug="acme", admins=[member])
    post_password(client, "member@acme.example")
    require_mfa(acme)
    caught = client.get("/orgs/acme/audit/", SCRIPT_NAME=script_name)
    assert caught.status_code == 302 and caught["Location"].endswith(reverse("mfa:setup"))
