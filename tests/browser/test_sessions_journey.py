"""A member signed in on a laptop and a phone lists the sessions on the Security page and signs the phone out;
the sign-out page then offers this device first."""

import pytest

from tests.browser.journeys import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_listing_the_sessions_and_signing_the_phone_out(page, browser, live_server, clock, make_user):
    make_user("nora@northwind.example")
    phone_context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone = phone_context.new_page()
    sign_in(phone, "nora@northwind.example")
    phone.wait_for_url(f"{live_server.url}/")

    sign_in(page, "nora@northwind.example")
    page.wait_for_url(f"{live_server.url}/")
    page.goto("/security/")
    page.get_by_role("link", name="Signed-in sessions and recent sign-ins").click()
    page.wait_for_url("**/stepup/**")  # ending sessions needs the password again
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Continue')")
    page.wait_for_url("**/security/sessions/")
    rows = page.locator("table.sessions tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator(".badge").inner_text() == "This device"
    assert page.locator("table.sign-ins tbody tr").count() == 2  # both sign-ins, newest first
    assert page.locator("table.sign-ins tbody tr").nth(0).locator("td").nth(1).inner_text() == "Signed in"

    rows.nth(1).get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/security/sessions/")
    assert page.locator(".messages").inner_text().startswith("That session is signed out")
    assert page.locator("table.sessions tbody tr").count() == 1
    assert page.get_by_text("No other session is signed in.").is_visible()

    phone.goto("/")
    phone.wait_for_url("**/signin/**")
    assert phone.locator("input[name=email]").is_visible()
    phone_context.close()

    page.get_by_role("link", name="Sign out").click()
    assert page.get_by_label("Only this device").is_checked() and not page.get_by_label("Everywhere").is_checked()
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/signin/")
