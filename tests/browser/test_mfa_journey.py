"""The demo's sign-in journey in real headless Chromium: the QR code on the setup page is decoded from a
screenshot with a real QR decoder (zxing-cpp), and its otpauth URI gives the codes typed into the browser.

The screenshots kept in docs/screenshots/ for the README are taken here (with TWOSTEP_UPDATE_SCREENSHOTS=1).
"""

import re

import pytest
import zxingcpp
from PIL import Image

from tests.browser.conftest import screenshot
from tests.browser.journeys import prove_mailbox
from tests.conftest import EPOCH
from twostep import otp
from twostep.mfa.authenticators import services
from twostep.mfa.models import Authenticator
from twostep.ops.demo import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBER, ADMIN, NORTH = "member@acme.example", "admin@acme.example", "user@northwind.example"
HOME = re.compile(r"^http://[^/]+/$")  # the home page exactly ("**/" would match every page)
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def demo(clock) -> dict[str, str]:
    """The demo data in the live server's database; e-mail -> generated password."""
    return {account.email: account.password for account in seed_demo()}


@pytest.fixture(autouse=True)
def compact(page):
    """A shorter desktop window: full-page screenshots then end near the content, not 900 px down."""
    page.set_viewport_size({"width": 1000, "height": 480})


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, email: str, password: str, *, shot: str | None = None) -> None:
    page.goto("/signin/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name="Continue").click()


def sign_out(page) -> None:
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin/")


def enter_code(page, code: str, *, button: str = "Verify", shot: str | None = None) -> None:
    page.get_by_label("6-digit code").fill(code)
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name=button).click()


def scan_qr(path) -> str:
    """The text of the one QR code in the PNG at ``path``, as a phone's camera app would read it."""
    with Image.open(path) as image:
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, f"expected one QR code in {path}, found {len(found)}"
    return found[0].text


def scan_page(page, tmp_path) -> str:
    """Scan the QR code on a screenshot that is not kept for the README."""
    path = tmp_path / "qr.png"
    page.screenshot(path=path, full_page=True)
    return scan_qr(path)


def test_member_scans_the_qr_code_signs_in_and_signs_in_again_with_a_new_code(page, clock, demo):
    sign_in(page, MEMBER, demo[MEMBER], shot="signin")
    prove_mailbox(page)
    page.wait_for_url("**/signin/setup/")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up multi-factor authentication"

    key = otp.parse_uri(scan_qr(screenshot(page, "setup-qr")))
    assert (key.type, key.issuer, key.account) == ("totp", "twostep", MEMBER)
    assert (key.algorithm, key.digits, key.period, len(key.key)) == ("sha1", 6, 30, 20)

    page.get_by_role("link", name="I have completed the scan").click()
    page.wait_for_url("**/signin/setup/confirm/")
    enter_code(page, otp.totp(key.key, now=clock.now), button="Verify and finish setup")
    assert page.get_by_role("heading", level=1).inner_text() == "Save your recovery codes"
    assert "Your authenticator app is set up." in page.locator(".messages").inner_text()
    assert page.locator("#recovery-codes code").count() == 10
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_url(HOME)
    assert page.locator(".status").inner_text() == "On — authenticator app added 30 Nov 2026."
    rows = page.locator("table tbody tr")
    assert [rows.nth(i).locator("td").all_inner_texts()[:3] for i in range(rows.count())] == [
        ["Acme Calibration", "Member", "On"], ["Northwind Labs", "Member", "Off"]]
    screenshot(page, "home")

    sign_out(page)
    sign_in(page, MEMBER, demo[MEMBER])
    page.wait_for_url("**/signin/code/")
    screenshot(page, "code")
    enter_code(page, otp.totp(key.key, now=clock.now))  # the time step the setup used: a replay
    assert page.locator(".errors").inner_text() == services.ReplayedCodeError.message
    assert page.url.endswith("/signin/code/") and page.locator(".who").count() == 0
    assert "attempts left" not in page.content()  # a replay is not a guess: the 5 attempts stay

    clock.advance(30)
    enter_code(page, otp.totp(key.key, now=clock.now))
    page.wait_for_url(HOME)
    assert page.locator(".who").inner_text() == MEMBER
    assert Authenticator.objects.get(user__email=MEMBER).last_used_step == (EPOCH + 35) // 30


def test_cant_scan_shows_the_key_by_hand_and_on_a_phone_the_app_link(page, phone, clock, demo, tmp_path):
    sign_in(page, MEMBER, demo[MEMBER])
    prove_mailbox(page)
    page.wait_for_url("**/signin/setup/")
    uri = scan_page(page, tmp_path)
    secret = otp.b32encode(otp.parse_uri(uri).key)

    page.locator("summary", has_text="I can't scan the code").click()
    key_text = page.locator("#setup-key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{1,4}", key_text)
    assert key_text.replace(" ", "") == secret
    manual = page.locator("dl.manual").inner_text()
    assert MEMBER in manual and "A new code every 30 seconds (the usual choice)" in manual
    assert not re.search(r"RFC|time.based", page.locator("main").inner_text(), re.IGNORECASE)  # no jargon
    assert not page.locator(".on-phone").is_visible()

    sign_in(phone, MEMBER, demo[MEMBER])
    prove_mailbox(phone)
    phone.wait_for_url("**/signin/setup/")
    assert phone.locator(".on-phone").inner_text() == (
        "Setting up on this phone? Open I can't scan the code and tap Open in authenticator app.")
    phone.locator("summary", has_text="I can't scan the code").click()
    link = phone.get_by_role("link", name="Open in authenticator app")
    phone_key = phone.locator("#setup-key").inner_text()
    phone_secret = otp.b32encode(otp.parse_uri(link.get_attribute("href")).key)
    assert link.is_visible() and phone_secret == phone_key.replace(" ", "")
    assert phone_key != key_text  # a setup belongs to one browser: the phone's sign-in got its own key
    screenshot(phone, "setup-fallback-phone")


def test_admin_of_an_organization_without_required_mfa_sets_it_up_because_they_are_an_admin(page, clock, demo,
                                                                                            tmp_path):
    """Northwind does not require MFA, but its admin acts on its members' data: under the default
    TWOSTEP_MFA_REQUIRED_FOR=admins the first sign-in sets it up, and the page says why."""
    sign_in(page, NORTH, demo[NORTH])
    prove_mailbox(page)
    page.wait_for_url("**/signin/setup/")
    assert page.locator("main p", has_text="is required").inner_text() == (
        "Multi-factor authentication is required because you are an admin of Northwind Labs: at every sign-in, "
        "a 6-digit code from an authenticator app on your phone.")
    key = otp.parse_uri(scan_page(page, tmp_path))
    page.get_by_role("link", name="I have completed the scan").click()
    enter_code(page, otp.totp(key.key, now=clock.now), button="Verify and finish setup")
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_url(HOME)
    assert page.locator(".status").inner_text() == "On — authenticator app added 30 Nov 2026."
    page.goto("/security/")
    assert ("Multi-factor authentication is required because you are an admin of Northwind Labs. It cannot be "
            "turned off.") in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Turn off multi-factor authentication").count() == 0
    assert Authenticator.objects.filter(user__email=NORTH, confirmed_at__isnull=False).exists()


def test_admin_finds_the_require_mfa_switch_and_the_members_count(page, clock, demo, tmp_path):
    sign_in(page, ADMIN, demo[ADMIN])
    prove_mailbox(page)
    page.wait_for_url("**/signin/setup/")
    key = otp.parse_uri(scan_page(page, tmp_path))
    page.get_by_role("link", name="I have completed the scan").click()
    enter_code(page, otp.totp(key.key, now=clock.now), button="Verify and finish setup")
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_url(HOME)

    page.get_by_role("link", name="Organization settings").click()
    page.get_by_role("link", name="Multi-factor authentication").click()
    page.wait_for_url("**/orgs/acme/settings/mfa/")
    switch = page.get_by_label("Require MFA for every member")
    assert switch.is_checked()
    assert page.locator(".status").all_inner_texts() == ["1 of 2 members has set up MFA. See who", "Required now."]
    screenshot(page, "organization-mfa")
