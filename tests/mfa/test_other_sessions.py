"""Changes on the Security page that end the user's other sessions: a new set of recovery codes (when the box
is ticked, as it is at first) and turning MFA off."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import code_for, post_code, post_password
from tests.signin_helpers import enroll_with_codes, force_sign_in
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
SHOWN_CODE = re.compile(r"<code>([0-9a-z]{5}-[0-9a-z]{5})</code>")


@pytest.fixture
def laptop(clock, member, codes) -> Client:
    """Another browser of the member, signed in with a code."""
    browser = Client()
    post_password(browser, member.email)
    assert post_code(browser, code_for(member, clock.now))["Location"] == reverse("home")
    return browser


@pytest.fixture
def stepped_up(client, clock, member, codes):
    force_sign_in(client, member, verified_at=clock.now, stepped_up_at=clock.now)
    return client


def actions_since(user, since: int):
    return list(AuditEvent.objects.filter(subject_id=user.pk, id__gt=since).exclude(action="signin.succeeded")
                .order_by("id").values_list("action", "detail"))


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_the_box_to_sign_out_the_other_sessions_is_ticked_at_first(stepped_up, laptop):
    page = stepped_up.get(reverse("mfa:recovery_codes")).content.decode()
    assert ('<input type="checkbox" name="end_other_sessions" id="id_end_other_sessions" checked>'
            in page)
    assert "Also sign out my other sessions (other browsers and devices)" in page


def test_new_codes_with_the_box_ticked_sign_out_every_other_session(stepped_up, laptop, member):
    key, since = stepped_up.session.session_key, last_event_id()
    response = stepped_up.post(reverse("mfa:recovery_codes"), {"end_other_sessions": "on"})
    assert response.status_code == 200 and len(SHOWN_CODE.findall(response.content.decode())) == 10
    assert ("Your new recovery codes are ready. The old ones no longer work. You were signed out everywhere else."
            in response.content.decode())
    assert laptop.get("/")["Location"].startswith(reverse("mfa:signin"))
    assert stepped_up.get("/").status_code == 200 and stepped_up.session.session_key != key
    assert actions_since(member, since) == [
        ("mfa.recovery_codes_generated", {"count": 10, "reason": "regenerated"}),
        ("account.sessions_ended", {"scope": "others", "by": "user"})]


def test_new_codes_with_the_box_cleared_keep_the_other_sessions(stepped_up, laptop, member):
    since = last_event_id()
    response = stepped_up.post(reverse("mfa:recovery_codes"))  # an unticked box sends nothing
    assert response.status_code == 200 and len(SHOWN_CODE.findall(response.content.decode())) == 10
    assert "You were signed out everywhere else." not in response.content.decode()
    assert laptop.get("/").status_code == 200
    assert actions_since(member, since) == [("mfa.recovery_codes_generated", {"count": 10, "reason": "regenerated"})]


def test_turning_mfa_off_signs_out_every_other_session(client, clock, make_user, make_org):
    user = make_user("nora@northwind.example")
    make_org("Northwind Labs", members=[user])  # requires no MFA
    enroll_with_codes(user, now=clock.now - 60)
    laptop = Client()
    post_password(laptop, "nora@northwind.example")
    assert post_code(laptop, code_for(user, clock.now))["Location"] == reverse("home")
    force_sign_in(client, user, verified_at=clock.now, stepped_up_at=clock.now)
    key = client.session.session_key
    response = client.post(reverse("mfa:disable"))
    assert (response.status_code, response["Location"]) == (302, reverse("mfa:security"))
    assert laptop.get("/")["Location"].startswith(reverse("mfa:signin"))  # it signed in with the removed app
    page = client.get(reverse("mfa:security"))
    assert page.status_code == 200 and client.session.session_key != key  # this one stays, under a new key
    assert ("Multi-factor authentication is off. Your authenticator app and recovery codes no longer work for this "
            "account. You were signed out everywhere else.") in page.content.decode()
    assert list(AuditEvent.objects.filter(action="mfa.disabled").values_list("detail", flat=True)) == [
        {"authenticators": 1, "recovery_codes": 10}]
