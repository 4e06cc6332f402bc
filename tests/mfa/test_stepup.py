"""Step-up: a sensitive page needs the password and a fresh code from the last 10 minutes."""

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tests.conftest import PASSWORD, code_for, post_code, post_password
from tests.signin_helpers import enroll_with_codes
from twostep.audit.models import AuditEvent
from twostep.mfa.stepup import services as stepup

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in_member(client, clock, make_user, enrolled):
    user = make_user("member@acme.example")
    enrolled(user)
    post_password(client, "member@acme.example")
    post_code(client, code_for(user, clock.now))
    clock.advance(stepup.max_age() + 30)  # the step-up of the sign-in itself has expired
    return user


def test_step_up_needs_password_and_a_fresh_code(client, clock, signed_in_member):
    page = client.get(reverse("mfa:stepup") + "?next=/").content.decode()
    assert 'name="password"' in page and 'name="code"' in page
    bad = client.post(reverse("mfa:stepup"), {"password": "wrong", "code": code_for(signed_in_member, clock.now),
                                              "next": "/"})
    assert bad.status_code == 400 and bad.context["form"].has_error("password", "invalid_password")
    assert not stepup.is_fresh(client, now=clock.now)  # still the sign-in's expired stamp
    clock.advance(30)
    ok = client.post(reverse("mfa:stepup"), {"password": PASSWORD, "code": code_for(signed_in_member, clock.now),
                                             "next": "/"})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert client.session[stepup.SESSION_KEY] == clock.now
    assert list(AuditEvent.objects.filter(action="stepup").values_list("outcome", flat=True)) == [
        "success", "failure"]


def test_a_step_up_gives_the_session_a_new_key(client, clock, signed_in_member):
    before = client.session.session_key
    clock.advance(30)
    ok = client.post(reverse("mfa:stepup"), {"password": PASSWORD, "code": code_for(signed_in_member, clock.now),
                                             "next": "/"})
    assert ok.status_code == 302 and ok.cookies["sessionid"].value != before
    after = client.session.session_key
    assert after != before and not Session.objects.filter(session_key=before).exists()
    assert client.session[stepup.SESSION_KEY] == clock.now and client.get("/").status_code == 200


def test_a_failed_step_up_keeps_the_session_key(client, clock, signed_in_member):
    before = client.session.session_key
    client.post(reverse("mfa:stepup"), {"password": "wrong", "code": code_for(signed_in_member, clock.now),
                                        "next": "/"})
    assert client.session.session_key == before


def test_a_sign_in_with_a_code_counts_as_a_step_up_for_ten_minutes(client, clock, make_user, enrolled):
    user = make_user("member@acme.example")
    enrolled(user)
    post_password(client, "member@acme.example")
    post_code(client, code_for(user, clock.now))
    assert client.session[stepup.SESSION_KEY] == clock.now
    clock.advance(stepup.max_age())
    assert client.get(reverse("mfa:change_email")).status_code == 200  # no second password, no second code
    clock.advance(1)
    assert client.get(reverse("mfa:change_email"))["Location"] == "/stepup/?next=%2Faccount%2Femail%2F"


def test_a_sign_in_with_a_recovery_code_counts_as_a_step_up(client, clock, make_user):
    user = make_user("member@acme.example")
    codes = enroll_with_codes(user, now=clock.now - 60)
    post_password(client, "member@acme.example")
    client.post(reverse("mfa:recovery"), {"recovery_code": codes[0]})
    assert client.get(reverse("mfa:change_password")).status_code == 200


def test_a_sign_in_without_mfa_is_no_step_up(client, clock, make_user):
    make_user("plain@acme.example")
    assert post_password(client, "plain@acme.example")["Location"] == "/"
    assert stepup.SESSION_KEY not in client.session
    assert client.get(reverse("mfa:change_email"))["Location"] == "/stepup/?next=%2Faccount%2Femail%2F"


def test_step_up_stamp_lasts_ten_minutes(rf: RequestFactory, clock, signed_in_member):
    @stepup.step_up_required
    def sensitive(request):
        return HttpResponse("ok")

    request = rf.get("/security/")
    request.user = signed_in_member
    request.session = {stepup.SESSION_KEY: clock.now}
    clock.advance(600)
    assert sensitive(request).status_code == 200
    clock.advance(1)
    response = sensitive(request)
    assert response.status_code == 302 and response["Location"] == "/stepup/?next=%2Fsecurity%2F"
