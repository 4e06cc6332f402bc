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

    image = Image.open(io.BytesIO(page.locator("figure.qr").screenshot()))
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1, "exactly one QR code on the page"
    return otp.parse_uri(results[0].text)
