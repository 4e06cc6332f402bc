"""Authenticators with 8-digit codes (``TWOSTEP_TOTP_DIGITS = 8``, which the start-up check allows): the
code step and step-up take the authenticator's own number of digits."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, post_code, post_password, secret_of
from twostep import otp
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.models import Authenticator

pytestmark = pytest.mark.django_db


def eight_digit_code(user, now: int) -> str:
    return otp.totp(secret_of(user), now=now, digits=8)


@pytest.fixture
def member(clock, settings, make_user, make_org, require_mfa):
    settings.TWOSTEP_TOTP_DIGITS = 8
    user = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[user]))
    enrollments.start_enrollment(user, binding="fixture", now=clock.now - 60)
    enrollments.confirm_enrollment(user, eight_digit_code(user, clock.now - 60), binding="fixture", now=clock.now - 60)
    assert Authenticator.objects.get(user=user).digits == 8
    return user


def test_an_eight_digit_code_signs_in(client, clock, member):
    assert post_password(client, member.email)["Location"] == reverse("mfa:code")
    page = client.get(reverse("mfa:code")).content.decode()
    assert "enter the 8-digit code" in page and "8-digit code</label>" in page

    response = post_code(client, eight_digit_code(member, clock.now))

    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert client.session["_auth_user_id"] == str(member.pk)


def test_a_six_digit_code_is_refused_as_malformed_for_an_eight_digit_authenticator(client, clock, member):
    post_password(client, member.email)
    response = post_code(client, eight_digit_code(member, clock.now)[2:])
    assert response.status_code == 400 and response.context["form"].has_error("code", "malformed_code")


def test_step_up_takes_an_eight_digit_code(client, clock, member):
    post_password(client, member.email)
    post_code(client, eight_digit_code(member, clock.now))
    clock.advance(30)

    response = client.post(reverse("mfa:stepup"), {"password": PASSWORD, "code": eight_digit_code(member, clock.now),
                                                   "next": reverse("mfa:change_email")})

    assert (response.status_code, response["Location"]) == (302, reverse("mfa:change_email"))
    assert client.get(reverse("mfa:change_email")).status_code == 200
