"""``shows_secret``: the decorator for every page that shows a TOTP secret, an otpauth URI or recovery codes."""

from twostep.accounts.headers import private_page


def shows_secret(view):
    """Decorator: the page is never stored (``Cache-Control: no-store``, private, max-age=0) and sends
    ``Referrer-Policy: strict-origin`` (see ``twostep.accounts.headers``). For a class-based view use
    ``method_decorator(shows_secret, "dispatch")``."""
    return private_page(view)
