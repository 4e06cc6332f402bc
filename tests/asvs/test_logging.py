"""What twostep logs and where (OWASP ASVS 5.0 16.1.1, 16.2.3, 16.3.3, 16.3.4): logs go only to the sinks of the
README's log inventory; refused forms, expired CSRF tokens, unexpected errors and outages are logged; attempts
past the throttling are audited."""

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.log import AdminEmailHandler

from tests.conftest import PASSWORD, post_password
from tests.ops.test_outages import offline_client  # noqa: F401  (fixture)
from twostep.audit.models import AuditEvent
from twostep.ops.logs import configured_logging

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Handlers that would send log records anywhere but the process's stderr.
OTHER_SINKS = re.compile(r"\b(\w*FileHandler|SysLogHandler|SocketHandler|DatagramHandler|HTTPHandler|SMTPHandler|"
                         r"QueueHandler|NTEventLogHandler|AdminEmailHandler|MemoryHandler)\b")


def inventory() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme[readme.index("### Log inventory"):readme.index("## Security model")]


@pytest.mark.parametrize("production", [True, False], ids=["production", "demo"])
def test_every_log_record_goes_to_stderr_only(production):
    config = configured_logging(production=production)
    assert {name: handler["class"] for name, handler in config["handlers"].items()} == {
        "console": "logging.StreamHandler"}  # no stream given: stderr
    assert config["root"]["handlers"] == ["console"]
    assert all(logger.get("handlers") == [] for logger in config["loggers"].values())


def test_the_running_loggers_write_to_stderr_or_nowhere():
    loggers = [logging.getLogger(), *(logger for logger in logging.Logger.manager.loggerDict.values()
                                      if isinstance(logger, logging.Logger))]
    handlers = {handler for logger in loggers for handler in logger.handlers
                if not type(handler).__module__.startswith("_pytest")}  # the test run's own capture
    assert handlers
    for handler in handlers:
        if isinstance(handler, AdminEmailHandler):
            assert settings.ADMINS == []  # Django's error mails: no recipient, so never sent
        elif type(handler) is not logging.NullHandler:  # a library's placeholder, which writes nothing
            # Not a FileHandler (a subclass); its stream is the process's stderr (see the test above).
            assert type(handler) is logging.StreamHandler, handler


def test_no_module_adds_another_sink():
    found = {str(path.relative_to(ROOT)): OTHER_SINKS.findall(path.read_text())
             for path in (ROOT / "src" / "twostep").rglob("*.py")}
    assert {path: names for path, names in found.items() if names} == {}


def test_the_inventory_names_each_sink_and_the_loggers():
    text = inventory()
    for sink in ("Request log", "Application loggers", "Audit trail", "gunicorn", "RQ worker"):
        assert f"**{sink}" in text, sink
    assert "`twostep.request`" in text and "`twostep.*`" in text and "`django.request`" in text


def warnings_of(caplog, logger: str) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name == logger and record.levelno == logging.WARNING]


def test_a_refused_csrf_token_and_a_refused_form_are_logged(caplog, clock, make_user):
    make_user("member@acme.example")
    stale = Client(enforce_csrf_checks=True)
    stale.get(reverse("mfa:signin"))
    with caplog.at_level(logging.INFO):
        forged = stale.post(reverse("mfa:signin"), {"email": "member@acme.example", "password": PASSWORD,
                                                    "csrfmiddlewaretoken": "stale" * 8})
        malformed = Client().post(reverse("mfa:signin"), {"email": "not an address", "password": ""})
    assert forged.status_code == 403 and malformed.status_code == 400
    assert warnings_of(caplog, "django.security.csrf") == [
        "Forbidden (CSRF token from POST has incorrect length.): /signin/"]
    assert warnings_of(caplog, "django.request") == ["Bad Request: /signin/"]
    assert PASSWORD not in caplog.text


def test_tries_past_the_throttling_are_audited(client, clock, make_user):
    make_user("member@acme.example")
    for _ in range(5):
        post_password(client, "member@acme.example", "not the password")
    assert post_password(client, "member@acme.example").status_code == 429
    throttled = AuditEvent.objects.get(action="signin.throttled")
    assert (throttled.outcome, throttled.subject_label, throttled.ip_address) == (
        "failure", "member@acme.example", "127.0.0.1")


@pytest.mark.urls("tests.ops.error_urls")
def test_an_unexpected_error_and_an_outage_are_logged_with_their_cause(offline_client, caplog):  # noqa: F811
    with caplog.at_level(logging.INFO):
        assert offline_client.get("/boom/").status_code == 500
        assert offline_client.get("/database-gone/").status_code == 503
    errors = [(record.getMessage(), record.exc_info[0].__name__) for record in caplog.records
              if record.name == "django.request" and record.levelno == logging.ERROR]
    assert errors == [("Internal Server Error: /boom/", "RuntimeError"),
                      ("Service Unavailable: /database-gone/", "OperationalError")]
