"""A member who uses no mouse: the first sign-in with setup, and a later sign-in with a code, by Tab, typing and
Enter only. Every control passed on the way shows a clear focus ring, in the light and in the dark scheme."""

import re

import pytest
from django.core import mail

from tests.browser.keyboard import assert_focus_ring, enter, focused, tab_to
from tests.conftest import PASSWORD, mailed_code
from twostep import otp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HOME = re.compile(r"^http://[^/]+/$")


def sign_in(page, email: str) -> None:
    page.goto("/signin/")
    tab_to(page, "E-mail address")
    page.keyboard.type(email)
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    enter(page)


def test_setup_and_code_entry_by_keyboard_only(page, clock, make_user, make_org, require_mfa):
    member = make_user("member@acme.example", name="Max Member")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[member]))

    sign_in(page, "member@acme.example")
    page.wait_for_url("**/signin/setup/email/")
    tab_to(page, "Code from the e-mail")
    page.keyboard.type(mailed_code(mail.outbox[-1]))
    enter(page)

    page.wait_for_url("**/signin/setup/")
    tab_to(page, "I can't scan the code", tag="summary")
    enter(page)
    key = page.locator("#setup-key")
    assert key.is_visible()  # typed into the app by hand: no camera, no pointer
    secret = otp.b32decode(key.inner_text().replace(" ", ""))
    tab_to(page, "I have completed the scan")
    enter(page)

    page.wait_for_url("**/signin/setup/confirm/")
    tab_to(page, "6-digit code")
    page.keyboard.type(otp.totp(secret, now=clock.now))
    enter(page)
    page.wait_for_selector("h1:has-text('Save your recovery codes')")
    tab_to(page, "I have saved my recovery codes")
    enter(page)
    page.wait_for_url(HOME)
    assert page.locator(".status").inner_text() == "On — authenticator app added 30 Nov 2026."

    tab_to(page, "Sign out", tag="a")
    enter(page)
    page.wait_for_url("**/signout/")
    tab_to(page, "Sign out", tag="button")
    enter(page)
    page.wait_for_url("**/signin/")

    clock.advance(30)
    sign_in(page, "member@acme.example")
    page.wait_for_url("**/signin/code/")
    tab_to(page, "6-digit code")
    page.keyboard.type(otp.totp(secret, now=clock.now))
    enter(page)
    page.wait_for_url(HOME)
    assert page.locator(".who").inner_text() == "member@acme.example"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_control_of_the_sign_in_page_shows_its_focus_ring(page, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto("/signin/")
    assert focused(page)["name"] == "E-mail address"
    assert_focus_ring(focused(page))
    passed = tab_to(page, "Forgot your password?")
    assert passed == ["Password", "Continue", "Forgot your password?"]  # from the e-mail field, focused at load
    assert focused(page)["tag"] == "a"
