"""An account on hold cannot sign in by any way until support lifts the hold; a wrong password still answers
exactly as for an unknown address."""

import re

import pytest
from django.urls import reverse

from tests.conftest import post_password
from tests.signin_helpers import force_sign_in
from twostep.audit.models import AuditEvent
from twostep.mfa.disown import holds
from twostep.mfa.models import AccountHold
from twostep.mfa.signin import pending

pytestmark = pytest.mark.django_db
BY_CALL = {"identity_check": "callback"}  # how support checked the person
NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture
def held(clock, settings, member, enrolled):
    settings.TWOSTEP_SUPPORT_CONTACT = "help@acme.example"
    enrolled(member)
    holds.place_hold(member, reason=AccountHold.Reason.DISOWNED, detail="The owner said ...", now=clock.now - 10)
    return member


def not_signed_in(client) -> bool:
    return "_auth_user_id" not in client.session and pending.SESSION_KEY not in client.session


def test_the_right_password_shows_the_hold_page_and_signs_nobody_in(client, clock, held):
    response = post_password(client, "member@acme.example")
    assert response.status_code == 403 and response.templates[0].name == "mfa/on_hold.html"
    assert response.context["held_user"] == held and response.context["support_contact"] == "help@acme.example"
    assert not_signed_in(client)
    assert client.get("/")["Location"].startswith("/signin/")  # not signed in, not sent to setup or code
    assert list(AuditEvent.objects.filter(action__startswith="signin").values_list(
        "action", "outcome", "subject_id")) == [("signin.on_hold", "failure", held.pk)]


def test_a_wrong_password_answers_as_for_an_unknown_address(client, clock, held):
    wrong = post_password(client, "member@acme.example", "not the password")
    unknown = post_password(client, "nobody@acme.example", "not the password")
    assert wrong.status_code == unknown.status_code == 400
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*@acme.example"')
    assert strip.sub("", wrong.content.decode()) == strip.sub("", unknown.content.decode())
    assert wrong.context["form"].has_error("__all__", "invalid_login") and wrong.templates[0].name == "mfa/signin.html"
    assert list(AuditEvent.objects.filter(action__startswith="signin").values_list("action", "detail")) == [
        ("signin.failed", {"email": "nobody@acme.example"}), ("signin.failed", {"email": "member@acme.example"})]


def test_a_hold_also_stops_an_account_without_mfa(client, clock, make_user):
    user = make_user("nora@northwind.example")
    holds.place_hold(user, reason=AccountHold.Reason.DISOWNED, detail="", now=clock.now)
    assert post_password(client, "nora@northwind.example").status_code == 403 and not_signed_in(client)


def test_a_password_reset_works_but_does_not_lift_the_hold(client, clock, held, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": "member@acme.example"})
    link = re.search(r"https?://[^/\s]+(/account/password-reset/\S+)", mailoutbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("mfa:signin")
    response = post_password(client, "member@acme.example", NEW_PASSWORD)
    assert response.status_code == 403 and response.templates[0].name == "mfa/on_hold.html" and not_signed_in(client)
    assert AccountHold.objects.get(user=held).lifted_at is None


@pytest.mark.parametrize("path", ["/", "/admin/", "/support/"])
def test_a_session_that_escaped_the_hold_is_signed_out_onto_the_hold_page(client, clock, held, path):
    """Holding ends every session; should one still exist (opened with the password alone), the next page asks
    for the code step, and that refuses an account on hold."""
    held.is_staff = True
    held.save(update_fields=["is_staff"])
    force_sign_in(client, held)
    response = client.get(path)
    assert response.status_code == 403 and response.templates[0].name == "mfa/on_hold.html"
    assert not_signed_in(client)


def test_a_lifted_hold_lets_the_account_sign_in_again(client, clock, held):
    holds.lift_hold(held, actor="operator (command line)", **BY_CALL, reason="Called back on the number on file",
                    now=clock.now)
    assert post_password(client, "member@acme.example")["Location"] == reverse("mfa:code")
    assert holds.active_hold(held) is None
