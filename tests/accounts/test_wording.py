"""The refusals of the account pages in the words people read; every other test asserts their codes."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.test_password_reset import ask_for_link, set_new_password
from tests.conftest import PASSWORD
from tests.mfa.test_wording import words
from tests.signin_helpers import force_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.TWOSTEP_BASE_URL = "https://portal.example"


def test_a_used_reset_link(client, clock, make_user, mailoutbox):
    make_user("nora@northwind.example")
    link = ask_for_link(client, "nora@northwind.example", mailoutbox)
    assert set_new_password(client, link).status_code == 302
    page = words(Client().get(link))
    assert ("This link does not work any more A password-reset link works once and for one hour. Ask for a new "
            "link.") in page


def test_a_password_longer_than_sign_in_accepts(client, clock, make_user):
    nora = make_user("nora@northwind.example")
    force_sign_in(client, nora, stepped_up_at=clock.now)
    too_long = "long passphrase " * 256 + "!"
    assert "This password is too long: use at most 4096 characters." in words(client.post(
        reverse("mfa:change_password"), {"current_password": PASSWORD, "new_password1": too_long,
                                         "new_password2": too_long}))
