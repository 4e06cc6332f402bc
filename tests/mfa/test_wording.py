"""Pages say exactly who requires MFA, from when, and what a change will ask for."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.conftest import post_password, prove_mailbox, set_throttle
from tests.signin_helpers import force_sign_in
from twostep.clock import as_datetime
from twostep.mfa.rollout.services import set_require_mfa

pytestmark = pytest.mark.django_db
DEC_14 = datetime(2026, 12, 14, tzinfo=UTC)


def setup_page(client, email: str) -> str:
    assert post_password(client, email)["Location"] == reverse("mfa:setup")
    prove_mailbox(client)
    return client.get(reverse("mfa:setup")).content.decode()


def test_setup_names_the_one_requiring_organization(client, clock, make_user, make_org, require_mfa):
    member = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", members=[member]))
    make_org("Globex", members=[member])  # does not require MFA
    assert "<p>Acme Calibration requires a second step at sign-in: a 6-digit code" in setup_page(
        client, "member@acme.example")


def test_setup_names_every_requiring_organization(client, clock, make_user, make_org, require_mfa):
    member = make_user("member@acme.example")
    for name in ("Northwind Labs", "Acme Calibration", "Globex"):
        require_mfa(make_org(name, members=[member]))
    assert "<p>Acme Calibration, Globex and Northwind Labs require a second step at sign-in" in setup_page(
        client, "member@acme.example")


def test_setup_for_staff_says_the_account_requires_it(client, clock, make_user):
    make_user("staff@twostep.example", is_staff=True)
    page = setup_page(client, "staff@twostep.example")
    assert "<p>Multi-factor authentication is required for your account: at every sign-in, a 6-digit code" in page
    assert "organization requires" not in page


def test_security_page_with_mfa_off_asks_only_for_the_password(client, clock, make_user, enrolled):
    user = make_user("member@acme.example")
    force_sign_in(client, user)
    assert "Every change here asks for your password first." in client.get(reverse("mfa:security")).content.decode()
    enrolled(user)
    force_sign_in(client, user, verified_at=clock.now)
    page = client.get(reverse("mfa:security")).content.decode()
    assert "Every change here asks for your password and a code first." in page


def test_home_and_org_page_show_the_date_of_a_coming_requirement(client, clock, make_user, make_org, enrolled):
    admin = make_user("admin@acme.example")
    enrolled(admin)
    acme = make_org("Acme Calibration", slug="acme", admins=[admin])
    set_require_mfa(acme, required=True, actor=admin, moment=as_datetime(clock.now), enforce_from=DEC_14)
    force_sign_in(client, admin, verified_at=clock.now)
    home = client.get("/").content.decode()
    assert '<td data-label="Require MFA">From 14 Dec 2026</td>' in home
    page = client.get(reverse("mfa:organization", args=["acme"])).content.decode()
    assert "by admin@acme.example: Require MFA on from 14 December 2026.</p>" in page
    clock.advance(int(DEC_14.timestamp()) - clock.now)
    force_sign_in(client, admin, verified_at=clock.now)  # two weeks later: a new session
    assert '<td data-label="Require MFA">On</td>' in client.get("/").content.decode()


def test_support_contact_is_shown_on_the_code_and_locked_pages_when_set(client, clock, make_user, enrolled,
                                                                        settings):
    user = make_user("member@acme.example")
    enrolled(user)
    post_password(client, "member@acme.example")
    page = client.get(reverse("mfa:code")).content.decode()
    assert "Contact your organization's support\n    desk: they can reset" in page
    settings.TWOSTEP_SUPPORT_CONTACT = "help@acme.example"
    page = client.get(reverse("mfa:code")).content.decode()
    assert 'desk (<a href="mailto:help@acme.example">help@acme.example</a>): they can reset' in page
    set_throttle(user, failures=100, locked_at=as_datetime(clock.now))
    locked = client.get(reverse("mfa:code"))
    assert locked.status_code == 403
    assert '<strong>support desk</strong>\n      (<a href="mailto:help@acme.example">help@acme.example</a>).' in (
        locked.content.decode())
