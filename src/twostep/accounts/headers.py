"""Response headers for pages that must not be kept or referred from.

``private_page`` marks a view whose page carries something secret (a password-reset token in its URL,
a TOTP secret, recovery codes): ``Cache-Control: no-store`` (with Django's other never-cache directives)
so no browser or proxy keeps a copy, and ``Referrer-Policy: strict-origin`` so a ``Referer`` header carries
the origin only, never the page's path. Not ``no-referrer``: with it browsers send ``Origin: null`` on the
page's own form posts, which Django's CSRF check refuses (HTTP 403). SecurityMiddleware only sets a
Referrer-Policy when the view has not.
"""

from functools import wraps

from django.utils.cache import add_never_cache_headers


def private_page(view):
    """Decorator for function views; wrap a class-based view's ``dispatch`` with ``method_decorator``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response.headers["Referrer-Policy"] = "strict-origin"
        return response

    return wrapper
