"""Operations middleware: the health and metrics endpoints, one log line plus one latency observation
per request, and the shape of requests (form posts only; a page for a wrong method)."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.shortcuts import render

from twostep.ops import health, logs, metrics, outages

logger = logging.getLogger("twostep.request")
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
OPS_ENDPOINTS = {"/healthz": health.healthz, "/readyz": health.readyz, "/metrics": metrics.metrics_view}


class OpsEndpointsMiddleware:
    """Answers /healthz, /readyz and /metrics before any other middleware.

    Load balancers and Prometheus call each app server by its address over plain HTTP, so these answers
    skip the ``ALLOWED_HOSTS`` check and the HTTPS redirect (they build no URLs and carry no user data),
    and they need no session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = OPS_ENDPOINTS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = view(request)
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class RequestTelemetryMiddleware:
    """Gives each request an id (a sane incoming ``X-Request-ID`` is kept, so a load balancer's id carries
    through), returns it in ``X-Request-ID``, times the request, and logs method, path, view, status and
    duration. Never the query string, headers, cookies or body, nor a secret that is part of the path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID_PATTERN.fullmatch(incoming) else uuid.uuid4().hex
        # Cleared on request_finished (ops.apps), after Django's own log line about the response.
        logs.request_id.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        view, path = _view_name(request), logs.loggable_path(request)
        metrics.observe_request(request.method, view, response.status_code, seconds)
        logger.info("%s %s %s", request.method, path, response.status_code, extra={
            "method": request.method, "path": path, "view": view,
            "status": response.status_code, "duration_ms": round(seconds * 1000, 1),
        })
        response["X-Request-ID"] = request_id
        return response


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or "unnamed"
    return "static" if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")) else "unmatched"


class FormRequestsMiddleware:
    """Every POST is form data, and a wrong method gets a page that says so.

    A JSON (or any non-form) POST body would reach the forms as an empty submission, which for a checkbox
    means "off": it is refused with 415 before any view runs. Django answers a method a view does not
    handle (PUT, PATCH, DELETE ...) with an empty 405; this adds a short page, keeping the ``Allow`` header
    (and the same for any other empty 429 or 503, see ``outages.fill_bare_page``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type not in FORM_CONTENT_TYPES:
            return render(request, "415.html", status=415)
        response = self.get_response(request)
        outages.fill_bare_page(request, response)
        return response
