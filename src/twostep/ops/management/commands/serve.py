"""``twostep serve``: the production WSGI server (gunicorn; static files by WhiteNoise)."""

import os
import sys

from django.core.management.base import BaseCommand


def default_workers() -> int:
    """Sign-in is CPU-bound (Argon2): one worker per core, plus one to cover I/O waits."""
    return (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "Serve twostep with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("TWOSTEP_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("TWOSTEP_WORKERS", 0)) or None)
        parser.add_argument("--timeout", type=int, default=30, help="Seconds before a stuck worker restarts.")

    def handle(self, *args, bind, workers, timeout, **options):
        command = [
            sys.executable, "-m", "gunicorn", "twostep.wsgi:application", "--bind", bind,
            "--workers", str(workers or default_workers()), "--timeout", str(timeout),
            "--access-logfile", "-", "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        self.stdout.write(f"twostep serving on http://{bind}/ ({workers or default_workers()} workers)")
        sys.stdout.flush()
        os.execv(sys.executable, command)  # noqa: S606 — replace this process with gunicorn
