"""``twostep serve``: the production WSGI server (gunicorn; static files by WhiteNoise).

Workers: one per CPU core plus one (``--workers`` or ``TWOSTEP_WORKERS`` to choose). Metrics of all
workers are added up through ``PROMETHEUS_MULTIPROC_DIR`` (a new temporary folder unless set; emptied
at start).
"""

import logging
import os
import sys
import tempfile

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from twostep.config import env_int

logger = logging.getLogger("twostep.serve")


def default_workers() -> int:
    """Sign-in is CPU-bound (Argon2): one worker per core, plus one to cover I/O waits."""
    return (os.cpu_count() or 1) + 1


def gunicorn_command(*, bind: str, workers: int, timeout: int) -> list[str]:
    """The gunicorn command line (argv) for these options."""
    return [
        sys.executable, "-m", "gunicorn", "twostep.wsgi:application", "-c", "python:twostep.ops.gunicorn_conf",
        "--bind", bind, "--workers", str(workers), "--timeout", str(timeout),
        "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


def prepare_metrics_dir() -> str:
    """``PROMETHEUS_MULTIPROC_DIR`` for the workers: as set (settings checked that it exists), else a new
    temporary folder. gunicorn's ``on_starting`` empties it before the workers start."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="twostep-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    return path


class Command(BaseCommand):
    help = "Serve twostep with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("TWOSTEP_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, help="Default: TWOSTEP_WORKERS, else CPU cores + 1.")
        parser.add_argument("--timeout", type=int, default=30, help="Seconds before a stuck worker restarts.")

    def handle(self, *args, bind, workers, timeout, **options):
        try:
            workers = workers or env_int("TWOSTEP_WORKERS", 0, minimum=0, maximum=256) or default_workers()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        prepare_metrics_dir()
        # A log line, not print(): in production every line of output is a JSON object.
        logger.info("twostep serving on http://%s/ (%d workers)", bind, workers, extra={"bind": bind,
                                                                                  "workers": workers})
        for handler in logging.getLogger().handlers:
            handler.flush()
        command = gunicorn_command(bind=bind, workers=workers, timeout=timeout)
        os.execv(sys.executable, command)  # noqa: S606 — replace this process with gunicorn
