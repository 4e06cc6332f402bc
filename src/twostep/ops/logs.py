"""Logging set-up shared by Django (``LOGGING``) and gunicorn (``logconfig_dict``).

JSON (production): one object per line with ``time``, ``level``, ``logger``, ``message``, the request id
of the request being served, and whatever a caller passes in ``extra`` (the request log adds ``method``,
``path``, ``view``, ``status``, ``duration_ms``). Text (demo): one readable line. Imported by settings,
so this module imports nothing from Django's app registry.

What is logged is chosen, never dumped: no request bodies, headers, cookies or query strings.
"""

import logging
from contextvars import ContextVar

from twostep.config import env_choice

request_id: ContextVar[str] = ContextVar("twostep_request_id", default="")

JSON_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
JSON_RENAMES = {"asctime": "time", "levelname": "level", "name": "logger"}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def clear_request_id(**kwargs) -> None:
    """Receiver of Django's ``request_finished``: lines after the request carry no request id."""
    request_id.set("")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (the request being served in this thread, "-" outside one) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
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
                 if json else {"format": TEXT_FORMAT, "datefmt": DATE_FORMAT})
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
