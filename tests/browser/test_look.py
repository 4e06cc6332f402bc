"""How the pages look where that matters to a user: the header on phones and desktops, and the dark theme (its QR
code still scans). Screenshot for the README: setup-qr-dark.png."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.journeys import prove_mailbox, sign_in
from tests.browser.test_mfa_journey import scan_qr
from twostep import otp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG = "maximiliane.mustermann-lindqvist@northwind-laboratories.example"


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


@pytest.mark.parametrize("width", [320, 360, 390])
@pytest.mark.parametrize("email", ["member@acme.example", LONG])
def test_on_a_phone_the_header_gives_the_address_a_row_of_its_own(browser, live_server, clock, make_user, width,
                                                                 email):
    make_user(email)  # in no organization: signed in by the password alone
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 700},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, email)
    page.wait_for_selector(".who")
    brand, who, sign_out = box(page, ".brand"), box(page, ".who"), box(page, ".topbar nav a")
    assert brand["y"] == sign_out["y"] and brand["x"] + brand["width"] < sign_out["x"]  # one row, apart
    assert sign_out["height"] == brand["height"] == 24  # one line each (16 px at line-height 1.5)
    assert who["y"] >= brand["y"] + brand["height"] and who["x"] == brand["x"]  # the address under them
    assert sign_out["x"] + sign_out["width"] <= width - 8  # Sign out whole, inside the padding
    assert page.evaluate("document.documentElement.scrollWidth") == width  # nothing sticks out sideways
    cut = page.locator(".who").evaluate("e => e.scrollWidth > e.clientWidth")
    assert cut == (email == LONG)  # an address of ordinary length is shown whole, a very long one cut short
    context.close()


def test_on_a_desktop_the_header_is_one_row(page, clock, make_user):
    make_user(LONG)
    sign_in(page, LONG)
    page.wait_for_selector(".who")
    brand, who, sign_out = box(page, ".brand"), box(page, ".who"), box(page, ".topbar nav a")
    assert brand["x"] + brand["width"] < who["x"] and who["x"] + who["width"] < sign_out["x"]
    assert brand["y"] == sign_out["y"] and abs((who["y"] + who["height"] / 2) - (brand["y"] + 12)) < 1
    assert not page.locator(".who").evaluate("e => e.scrollWidth > e.clientWidth")


def test_dark_theme_from_the_system_setting_and_its_qr_code_scans(browser, live_server, clock, make_user, make_org,
                                                                   require_mfa):
    member = make_user("member@acme.example", name="Max Member")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[member]))
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1000, "height": 480},
                                  color_scheme="dark")
    page = context.new_page()
    sign_in(page, "member@acme.example")
    prove_mailbox(page)
    page.wait_for_url("**/signin/setup/")
    colours = page.evaluate("""() => [document.body, document.querySelector('.card'), document.querySelector('h1')]
        .map((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color])""")
    assert colours[0][0] == "rgb(13, 17, 23)" and colours[1][0] == "rgb(22, 27, 34)"  # page and card
    assert colours[2][1] == "rgb(230, 237, 243)"  # light text
    uri = otp.parse_uri(scan_qr(screenshot(page, "setup-qr-dark")))  # dark around, the code black on white
    assert uri.account == "member@acme.example"
    context.close()
