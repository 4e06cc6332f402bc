"""Logging set-up shared by Django (``LOGGING``) and gunicorn (``logconfig_dict``).

JSON (production): one object per line with ``time``, ``level``, ``logger``, ``message``, the request id
of the request being served, and whatever a caller passes in ``extra`` (the request log adds ``method``,
``path``, ``view``, ``status``, ``duration_ms``). Text (demo): one readable line. Imported by settings,
so this module imports nothing from Django's app registry.

What is logged is chosen, never dumped: no request bodies, headers, cookies or query strings. Whatever a
client can put into a line (a request path with ``%0a``, an ANSI escape) cannot forge one: JSON escapes every
control character itself, and the text format writes them as escapes (``TextFormatter``).
"""

import logging
import re
from contextvars import ContextVar

from django.conf import settings
from django.urls import Resolver404, resolve

from twostep.config import env_choice

request_id: ContextVar[str] = ContextVar("twostep_request_id", default="")

JSON_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_RENAMES = {"asctime": "time", "levelname": "level", "name": "logger"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# C0 and C1 control characters, DEL, the Unicode line and paragraph separators and the bidirectional overrides
# (which make a line read differently from what it holds). Backslashes stay as they are: Django escapes the
# paths in its own lines already (``Not Found: /a\\nb``), and doubling them would only make those harder to read.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
CONTINUATION = "    "  # indents the lines of a traceback: only a record's first line starts at the margin


def escape_controls(text: str) -> str:
    """``text`` on one line: each control character written as an escape (``\\n``, ``\\x1b``, ``\\u2028``)."""
    return CONTROL_CHARACTERS.sub(_escape, text)


def _escape(match: re.Match) -> str:
    char = match.group()
    return NAMED_ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def _indented(text: str) -> str:
    return "\n".join(CONTINUATION + escape_controls(line) for line in text.split("\n"))


class TextFormatter(logging.Formatter):
    """The text format, one record per line: the line is escaped with ``escape_controls``; a traceback or stack
    follows on lines of its own, each indented (and escaped), so no client-made text starts a line."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        text = escape_controls(self.formatMessage(record))
        if record.exc_info:
            text += "\n" + _indented(self.formatException(record.exc_info))
        elif record.exc_text:
            text += "\n" + _indented(record.exc_text)
        if record.stack_info:
            text += "\n" + _indented(self.formatStack(record.stack_info))
        return text


def clear_request_id(**kwargs) -> None:
    """Receiver of Django's ``request_finished``: lines after the request carry no request id."""
    request_id.set("")


# URL arguments that are secrets (a password-reset token, a signed invitation link): such a path is logged
# as its pattern, e.g. /account/password-reset/<uidb64>/<token>/.
SECRET_URL_ARGUMENTS = {"token", "link"}
# A token-like path segment (no segment of the portal's own URLs is this long): redacted where no URL matched.
LONG_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_.:=~-]{16,}(?=/|$)")


def loggable_path(request) -> str:
    """The path to log: a URL with a secret argument as its pattern; a path no URL matches (a typo, a missing
    slash, a redirect answered before the view) with every long segment, which may be a token, redacted."""
    match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
    if match is None:
        static = request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))  # hashed names are long
        return request.path if static else LONG_SEGMENT.sub("<redacted>", request.path)
    if SECRET_URL_ARGUMENTS.intersection(match.kwargs):
        return "/" + match.route
    return request.path


def _resolve(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None



class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (the request being served in this thread, "-" outside one) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        request = getattr(record, "request", None)
        if request is not None:  # Django's request loggers: the request's repr has the query string, the
            path = getattr(request, "path", None)  # "Not Found: <path>" line the path with any token in it
            if path is not None and record.args:
                safe = loggable_path(request)
                record.args = tuple(safe if arg == path else arg for arg in record.args)
            record.request = "<request>"
        return True


def configured_logging(*, production: bool) -> dict:
    """The dictConfig for this profile: JSON in production and text in the demo unless
    ``TWOSTEP_LOG_FORMAT`` (json|text) says otherwise; level from ``TWOSTEP_LOG_LEVEL`` (INFO)."""
    log_format = env_choice("TWOSTEP_LOG_FORMAT", "json" if production else "text", ("json", "text"))
    return logging_config(json=log_format == "json", level=env_choice("TWOSTEP_LOG_LEVEL", "INFO", LEVELS))


def logging_config(*, json: bool, level: str) -> dict:
    """A ``logging.config.dictConfig`` dict writing to stderr as JSON lines or text lines."""
    formatter = ({"()": "pythonjsonlogger.json.JsonFormatter", "format": JSON_FORMAT, "rename_fields": JSON_RENAMES,
                  "datefmt": DATE_FORMAT}
                 if json else {"()": "twostep.ops.logs.TextFormatter", "format": TEXT_FORMAT, "datefmt": DATE_FORMAT})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "twostep.ops.logs.RequestIdFilter"}},
        "formatters": {"main": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "main", "filters": ["request_id"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # gunicorn's own loggers propagate to the root handler; its access log is replaced by ours.
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
        },
    }
