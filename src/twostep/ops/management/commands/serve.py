"""``twostep serve``: the production WSGI server (gunicorn; static files by WhiteNoise).

Workers: one per CPU core plus one (``--workers`` or ``TWOSTEP_WORKERS`` to choose). Metrics of all
workers are added up through ``PROMETHEUS_MULTIPROC_DIR`` (a fresh temporary folder unless set; its
old files are removed at start).
"""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from twostep.config import env_int


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
    """Set ``PROMETHEUS_MULTIPROC_DIR`` (before any worker imports prometheus_client) and empty it."""
    path = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="twostep-metrics-"))
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return str(path)


class Command(BaseCommand):
    help = "Serve twostep with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("TWOSTEP_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=env_int("TWOSTEP_WORKERS", 0, maximum=256) or None)
        parser.add_argument("--timeout", type=int, default=30, help="Seconds before a stuck worker restarts.")

    def handle(self, *args, bind, workers, timeout, **options):
        workers = workers or default_workers()
        prepare_metrics_dir()
        self.stdout.write(f"twostep serving on http://{bind}/ ({workers} workers)")
        sys.stdout.flush()
        command = gunicorn_command(bind=bind, workers=workers, timeout=timeout)
        os.execv(sys.executable, command)  # noqa: S606 — replace this process with gunicorn
