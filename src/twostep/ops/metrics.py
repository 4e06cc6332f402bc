"""Prometheus metrics: security events counted from the audit trail, and request latency.

The counters follow ``audit.events.event_recorded`` (sent when an event's transaction commits), so a
metric moves exactly when the audit trail does and no view or service carries metrics code. Under
gunicorn, ``twostep serve`` sets ``PROMETHEUS_MULTIPROC_DIR`` and /metrics adds up all workers.

``/metrics`` asks for ``Authorization: Bearer <TWOSTEP_METRICS_TOKEN>`` when that is set; without a
token it is open in the demo profile and switched off (404) in production.
"""

import os

from django.conf import settings
from django.http import HttpResponse
from django.utils.crypto import constant_time_compare
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from twostep.audit import events
from twostep.ops.conf import app_settings

SIGNINS = Counter("twostep_signins", "Password steps by outcome (success = signed in).", ["outcome"])
CODE_FAILURES = Counter("twostep_code_failures", "Wrong or replayed verification codes at sign-in.")
THROTTLED = Counter("twostep_throttled", "Attempts refused by throttling, by step.", ["step"])
LOCKOUTS = Counter("twostep_lockouts", "Users whose second factors locked after repeated wrong codes.")
ENROLLMENTS = Counter("twostep_enrollments", "Authenticators set up (enrollment confirmed).")
REQUEST_SECONDS = Histogram("twostep_request_duration_seconds", "Time to answer a request, in seconds.",
                            ["method", "view", "status"],
                            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.5, 5.0, 10.0))

# audit action -> the counters (with labels) it moves
ACTION_COUNTERS: dict[str, list[tuple[Counter, dict[str, str]]]] = {
    events.SIGNIN_SUCCEEDED: [(SIGNINS, {"outcome": "success"})],
    events.SIGNIN_FAILED: [(SIGNINS, {"outcome": "failure"})],
    events.SIGNIN_THROTTLED: [(SIGNINS, {"outcome": "throttled"}), (THROTTLED, {"step": "password"})],
    events.CODE_FAILED: [(CODE_FAILURES, {})],
    events.CODE_THROTTLED: [(THROTTLED, {"step": "code"})],
    events.MFA_LOCKED: [(LOCKOUTS, {})],
    events.MFA_ENROLLED: [(ENROLLMENTS, {})],
}
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

for _counters in ACTION_COUNTERS.values():  # every labelled series exists from the start, at 0
    for _counter, _labels in _counters:
        if _labels:
            _counter.labels(**_labels)


def count_event(sender, *, event, **kwargs) -> None:
    """Receiver of ``event_recorded``: moves the counters of ``event.action``."""
    for counter, labels in ACTION_COUNTERS.get(event.action, ()):
        (counter.labels(**labels) if labels else counter).inc()


def observe_request(method: str, view: str, status: int, seconds: float) -> None:
    method = method if method in KNOWN_METHODS else "other"
    REQUEST_SECONDS.labels(method=method, view=view, status=str(status)).observe(seconds)


def metrics_view(request) -> HttpResponse:
    token = app_settings().metrics_token
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not constant_time_compare(given.strip(), token):
            response = HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    elif settings.PRODUCTION:
        return HttpResponse("metrics are off: set TWOSTEP_METRICS_TOKEN\n", status=404, content_type="text/plain")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


def _registry():
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry
