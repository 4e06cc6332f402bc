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


RECORD_START = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (INFO|WARNING|ERROR) ")
# A request path a client chose: a line break followed by a made-up record, an ANSI escape (clear screen) and
# the Unicode line separator.
FORGED_PATH = "/signin/%0a2026-11-30T00:00:00+0000%20INFO%20twostep.request%20-%20POST%20/admin/%20200%1b[2J%e2%80%a8"


def _logging_to_buffer(monkeypatch, *, production: bool):
    monkeypatch.delenv("TWOSTEP_LOG_FORMAT", raising=False)
    logging.config.dictConfig(configured_logging(production=production))
    buffer = io.StringIO()
    (console,) = logging.getLogger().handlers
    console.setStream(buffer)
    yield buffer
    logging.config.dictConfig(settings.LOGGING)


@pytest.fixture
def json_log(monkeypatch):
    """The production profile's logging, writing to a buffer; the demo's logging is put back after."""
    yield from _logging_to_buffer(monkeypatch, production=True)


@pytest.fixture
def text_log(monkeypatch):
    """The demo's text logging, writing to a buffer."""
    yield from _logging_to_buffer(monkeypatch, production=False)


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


def test_a_path_with_control_characters_stays_one_json_line_with_the_path_intact(client, json_log):
    client.get(FORGED_PATH)
    raw = json_log.getvalue()
    assert "\x1b" not in raw and "\u2028" not in raw and raw.count("\n") == len(records(json_log)) == 2
    (request,) = [r for r in records(json_log) if r["logger"] == "twostep.request"]
    assert request["path"] == "/signin/\n2026-11-30T00:00:00+0000 INFO twostep.request - POST /admin/ 200\x1b[2J\u2028"


def test_a_path_with_control_characters_is_escaped_on_one_line_per_record_in_the_text_log(client, text_log):
    client.get(FORGED_PATH)
    lines = text_log.getvalue().rstrip("\n").split("\n")
    assert len(lines) == 2 and all(RECORD_START.match(line) for line in lines)  # the request and Not Found
    by_logger = {line.split(" ")[2]: line for line in lines}
    request, warning = by_logger["twostep.request"], by_logger["django.request"]
    assert request.endswith(r" GET /signin/\n2026-11-30T00:00:00+0000 INFO twostep.request - POST /admin/ 200"
                            r"\x1b[2J\u2028 404")
    assert warning.endswith(r" Not Found: /signin/\n2026-11-30T00:00:00+0000 INFO twostep.request - POST /admin/ 200"
                            r"\x1b[2J\u2028")


def test_a_traceback_in_the_text_log_is_indented_so_none_of_its_lines_reads_as_a_record(text_log):
    try:
        raise ValueError("bad value\n2026-11-30T00:00:00+0000 INFO twostep.request - forged")
    except ValueError:
        logging.getLogger("twostep.test").exception("failed for %s", "a\tb\x00c")
    first, *rest = text_log.getvalue().rstrip("\n").split("\n")
    assert RECORD_START.match(first) and first.endswith(r"twostep.test - failed for a\tb\x00c")
    assert rest[0] == "    Traceback (most recent call last):" and all(line.startswith("    ") for line in rest)
    assert rest[-2:] == ["    ValueError: bad value", "    2026-11-30T00:00:00+0000 INFO twostep.request - forged"]
