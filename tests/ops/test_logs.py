"""Logs: one JSON object per line in production, with the request's id, and no secrets."""

import io
import json
import logging
import logging.config
import re

import pytest
from django.conf import settings

from tests.conftest import PASSWORD, code_for, post_code, post_password
from twostep.ops.logs import configured_logging

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log(monkeypatch):
    """The production profile's logging, writing to a buffer; the demo's logging is put back after."""
    monkeypatch.delenv("TWOSTEP_LOG_FORMAT", raising=False)
    logging.config.dictConfig(configured_logging(production=True))
    buffer = io.StringIO()
    (console,) = logging.getLogger().handlers
    console.setStream(buffer)
    yield buffer
    logging.config.dictConfig(settings.LOGGING)


def records(buffer) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]  # fails on any non-JSON line


def test_a_sign_in_logs_json_lines_without_password_or_code(client, clock, json_log, make_user, make_org,
                                                          require_mfa, enrolled):
    user = make_user("member@acme.example")
    require_mfa(make_org("Acme Calibration", members=[user]))
    enrolled(user)
    wrong = post_password(client, "member@acme.example", "wrong password 12345")
    post_password(client, "member@acme.example")
    code = code_for(user, clock.now)
    post_code(client, code)

    assert wrong.status_code == 400
    text = json_log.getvalue()
    assert PASSWORD not in text and "wrong password 12345" not in text and code not in text
    requests = [r for r in records(json_log) if r["logger"] == "twostep.request"]
    assert [(r["method"], r["path"], r["view"], r["status"]) for r in requests] == [
        ("POST", "/signin/", "mfa:signin", 400),
        ("POST", "/signin/", "mfa:signin", 302),
        ("POST", "/signin/code/", "mfa:code", 302),
    ]
    first = requests[0]
    assert set(first) == {"time", "level", "logger", "message", "method", "path", "view", "status", "duration_ms",
                          "request_id"}
    assert first["level"] == "INFO" and first["message"] == "POST /signin/ 400"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", first["time"])
    assert re.fullmatch(r"[0-9a-f]{32}", first["request_id"]) and first["duration_ms"] >= 0
    # Django's own warning about the 400 carries the same request id
    (warning,) = [r for r in records(json_log) if r["logger"] == "django.request"]
    assert warning["level"] == "WARNING" and warning["request_id"] == first["request_id"]


def test_a_sane_incoming_request_id_is_kept_and_returned(client, json_log):
    kept = client.get("/signin/", HTTP_X_REQUEST_ID="lb-7f3a.42")
    replaced = client.get("/signin/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert kept["X-Request-ID"] == "lb-7f3a.42"
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])
    assert [r["request_id"] for r in records(json_log)] == ["lb-7f3a.42", replaced["X-Request-ID"]]


def test_the_query_string_is_never_logged(client, json_log):
    client.get("/signin/?next=/orgs/&token=abc123secret")
    (line,) = records(json_log)
    assert line["path"] == "/signin/" and "abc123secret" not in json_log.getvalue()
