"""The setup page's QR code markup: sized by the stylesheet, never cropped (decoded for real in tests/browser)."""

import re

import segno

from twostep.mfa.authenticators.qr import qr_svg

URI = "otpauth://totp/twostep:member%40acme.example?secret=JBSWY3DPEHPK3PXP&issuer=twostep"


def test_svg_scales_to_its_box_with_a_viewbox_and_no_fixed_size():
    svg = str(qr_svg(URI))
    opening = re.match(r"<svg [^>]*>", svg).group(0)
    modules = segno.make(URI, error="m", micro=False).symbol_size(scale=1, border=4)[0]
    assert f'viewBox="0 0 {modules} {modules}"' in opening
    assert "width=" not in opening and "height=" not in opening
    assert "<title>QR code to scan with your authenticator app</title>" in svg
