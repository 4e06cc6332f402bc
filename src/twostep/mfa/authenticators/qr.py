"""QR codes drawn on our server as inline SVG (segno): the secret never leaves for a chart service."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(uri: str) -> SafeString:
    """``<svg>`` markup of ``uri`` at error-correction level M with the standard 4-module quiet zone.

    One SVG unit per module and a ``viewBox`` but no width or height: the stylesheet sets the size and
    the whole symbol scales to it (with a fixed size, a smaller box would crop the code unreadable).
    """
    code = segno.make(uri, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                          title="QR code to scan with your authenticator app")
    return mark_safe(svg)  # noqa: S308 — segno's own markup, with the URI only as module geometry
