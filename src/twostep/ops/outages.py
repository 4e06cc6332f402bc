"""What a request gets when something fails: Django's ``handler500`` and the pages of bare error responses.

When the database or the cache (Redis in production) does not answer, a request fails closed: nothing is
checked, nothing is changed and nobody is signed in, and the answer is **503** with ``Retry-After:
OUTAGE_RETRY_AFTER`` seconds and a page in the site's style. A password step without its throttling counters is
never a password step without throttling. Any other unexpected error is a 500 page in the same style.

Both pages are rendered without the request (so without context processors, the session or the signed-in user):
they touch neither the database nor the cache, which may be what just failed.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from redis import exceptions as redis_errors

from twostep.ops.conf import app_settings

logger = logging.getLogger("twostep.ops.outages")

OUTAGE_RETRY_AFTER = 30  # seconds: long enough for a load balancer to take the server out (/readyz)
# The backing service did not answer, or cannot take writes for now (a replica after a fail-over, a full Redis).
OUTAGE_ERRORS = (
    OperationalError, InterfaceError,
    redis_errors.ConnectionError, redis_errors.TimeoutError, redis_errors.ReadOnlyError,
    redis_errors.OutOfMemoryError, redis_errors.ClusterDownError, redis_errors.TryAgainError,
)
# Bare responses (no body) with these statuses get the page; statuses of Django's own handlers are not here.
PAGES = {405: "405.html", 429: "429.html", 503: "503.html"}


def is_outage(exc: BaseException | None) -> bool:
    """True when ``exc``, or an exception it was raised from or while handling, says a backing service is down."""
    for _ in range(5):  # a short chain: an outage seen while handling an outage
        if exc is None:
            return False
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def page(status: int, context: dict | None = None, request=None) -> str:
    """The page of ``status`` (rendered without context processors unless ``request`` is given); a plain line
    if even that fails."""
    try:
        context = {"support_contact": app_settings().support_contact, **(context or {})}
        return render_to_string(PAGES.get(status, f"{status}.html"), context, request)
    except Exception as exc:  # the template itself needs something that is down (e.g. the static manifest)
        logger.warning("error page %s could not be rendered (%s)", status, type(exc).__name__)
        return "Service unavailable: try again in a minute.\n" if status == 503 else "Server error.\n"


def outage_response() -> HttpResponse:
    response = HttpResponse(page(503), status=503)
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request) -> HttpResponse:
    """``handler500``: Django calls it while handling the request's uncaught exception (``sys.exc_info()``)."""
    if is_outage(sys.exc_info()[1]):
        return outage_response()
    return HttpResponseServerError(page(500))


def fill_bare_page(request, response) -> None:
    """Give an empty 405, 429 or 503 response its page (the ``Allow`` and ``Retry-After`` headers stay). The
    503 page is rendered without the request: what is down may be what the context processors read."""
    status = response.status_code
    if status not in PAGES or getattr(response, "streaming", False) or response.content:
        return
    retry_after = response.get("Retry-After", "")
    context = {"method": request.method, "retry_after": int(retry_after) if retry_after.isdigit() else None}
    response.content = page(status, context, None if status == 503 else request)
    response["Content-Type"] = "text/html; charset=utf-8"
