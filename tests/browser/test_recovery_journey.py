"""A member loses the phone, signs in with a recovery code and sets up a new authenticator app."""

import re

import pytest

from tests.browser.conftest import screenshot
from tests.browser.journeys import enter_code, prove_mailbox, scan_qr, sign_in
from tests.conftest import PASSWORD
from twostep import otp
from twostep.mfa.models import Authenticator, RecoveryCode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save_codes(page) -> list[str]:
    """The recovery codes page: read the codes, copy them, download the .txt; returns the codes."""
    assert page.locator("h1").inner_text() == "Save your recovery codes"
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-z]{5}-[0-9a-z]{5}", code) for code in codes)
    page.click("button:has-text('Copy')")
    page.wait_for_selector("text=Copied. Paste them into your password manager.")
    assert page.evaluate("navigator.clipboard.readText()") == "\n".join(codes) + "\n"
    with page.expect_download() as download:
        page.click("button:has-text('Download (.txt)')")
    assert download.value.suggested_filename == "twostep-recovery-codes.txt"
    with open(download.value.path(), encoding="utf-8") as handle:
        assert handle.read().splitlines()[3:] == codes
    assert page.locator("h1").inner_text() == "Save your recovery codes"  # the download did not navigate
    return codes


def test_lost_phone_recovery_code_then_a_new_authenticator(page, clock, make_user, make_org, require_mfa):
    member = make_user("member@acme.example", name="Max Member")
    require_mfa(make_org("Acme Calibration", slug="acme", members=[member]))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    # First sign-in: set up the phone's app, and save the recovery codes shown once.
    sign_in(page, "member@acme.example")
    prove_mailbox(page)
    page.wait_for_url("**/signin/setup/")
    old_phone = scan_qr(page)
    page.click("text=I have completed the scan")
    enter_code(page, otp.totp(old_phone.key, now=clock.now), "Verify and finish setup")
    codes = save_codes(page)
    screenshot(page, "recovery-codes")
    page.click("text=I have saved my recovery codes")
    page.click("text=Sign out")
    page.click("button:has-text('Sign out')")

    # The phone is lost: sign in with a recovery code instead.
    clock.advance(60)
    sign_in(page, "member@acme.example")
    page.wait_for_url("**/signin/code/")
    page.click("text=Use a recovery code instead")
    page.fill("input[name=recovery_code]", codes[0].upper())
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("text=You used a recovery code. 9 recovery codes left.")
    assert page.locator("h1").inner_text() == "Welcome, Max Member"

    # Replace the authenticator from the Security page; once the sign-in's step-up window has passed, the
    # step-up takes another recovery code.
    clock.advance(601)
    page.click("text=Security settings")
    assert "8 of 10" not in page.content() and "9 of 10 unused" in page.content()
    screenshot(page, "security")
    page.click("text=Replace authenticator app")
    page.click("text=Lost your phone? Use a recovery code instead")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=recovery_code]", codes[1])
    page.click("button:has-text('Continue')")
    page.wait_for_selector("h1:has-text('Replace your authenticator app')")
    new_phone = scan_qr(page)
    assert new_phone.key != old_phone.key and new_phone.account == "member@acme.example"
    assert Authenticator.objects.get(user=member, confirmed_at__isnull=False).last_used_at is not None
    page.click("text=I have completed the scan")
    enter_code(page, otp.totp(new_phone.key, now=clock.now), "Verify and finish")
    page.wait_for_selector("text=Your new authenticator app is set up. The old one no longer works")
    new_codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert RecoveryCode.objects.filter(user=member, used_at__isnull=True).count() == 10
    page.click("text=I have saved my recovery codes")
    assert "10 of 10 unused" in page.content()
    page.click("text=Sign out")
    page.click("button:has-text('Sign out')")

    # Next sign-in: the old app's code no longer works, the new one does.
    clock.advance(30)
    sign_in(page, "member@acme.example")
    enter_code(page, otp.totp(old_phone.key, now=clock.now), "Verify")
    page.wait_for_selector("text=That code is not correct")
    enter_code(page, otp.totp(new_phone.key, now=clock.now), "Verify")
    page.wait_for_selector("h1:has-text('Welcome, Max Member')")
