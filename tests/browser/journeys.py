"""Steps the browser journeys share: signing in, and scanning the setup QR code off the screen."""

import io

from tests.conftest import PASSWORD
from twostep import otp


def sign_in(page, email: str, *, password: str = PASSWORD) -> None:
    page.goto("/signin/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button:has-text('Continue')")


def enter_code(page, code: str, button: str) -> None:
    page.fill("input[name=code]", code)
    page.click(f"button:has-text('{button}')")


def scan_qr(page) -> otp.OtpauthURI:
    """Decode the QR code from a screenshot of the page, as a phone camera would."""
    import zxingcpp
    from PIL import Image

    results = []
    for _ in range(3):  # a camera looks again: the first frame may catch the layout mid-reflow on a busy machine
        shot = page.locator("figure.qr").screenshot(animations="disabled")
        results = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
        if len(results) == 1:
            break
        page.wait_for_timeout(200)
    assert len(results) == 1, "exactly one QR code on the page"
    return otp.parse_uri(results[0].text)


def prove_mailbox(page, *, shot: str | None = None) -> None:
    """The step before a first QR code: read the code from the newest mail and type it (the live server runs
    in this process, so its mails are in Django's test outbox)."""
    from django.core import mail

    from tests.conftest import mailed_code

    page.wait_for_url("**/signin/setup/email/")
    page.get_by_label("Code from the e-mail").fill(mailed_code(mail.outbox[-1]))
    if shot:
        from tests.browser.conftest import screenshot

        screenshot(page, shot)
    page.get_by_role("button", name="Confirm", exact=True).click()
