"""``twostep serve``: the production WSGI server (gunicorn; static files by WhiteNoise).

Workers: one per CPU core plus one (``--workers`` or ``TWOSTEP_WORKERS`` to choose). Metrics of all
workers are added up through ``PROMETHEUS_MULTIPROC_DIR`` (a new temporary folder unless set; emptied
at start). In the demo without ``TWOSTEP_BASE_URL``, links in e-mails point at the ``--bind`` address, and without
``TWOSTEP_SUPPORT_CONTACT`` the pages name the demo's support account (``ops.demo.set_demo_support_contact``).
"""

import logging
import os
import sys
import tempfile

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from twostep.config import env_int
from twostep.ops.demo import set_demo_support_contact

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


def require_collected_static() -> None:
    """Raises CommandError when the hashed static files are used but not collected (every page would be a
    500 naming a missing manifest entry)."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if isinstance(staticfiles_storage, ManifestFilesMixin) and staticfiles_storage.read_manifest() is None:
        raise CommandError(f"The static files are not collected (no {staticfiles_storage.manifest_name} in "
                           f"{settings.STATIC_ROOT}): run `twostep collectstatic --noinput` first")


def demo_base_url(bind: str) -> str | None:
    """``http://HOST:PORT`` for a ``HOST:PORT`` bind address (a wildcard host becomes 127.0.0.1); None for
    anything else (a unix socket, a bare host)."""
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not host or host.startswith("unix"):
        return None
    host = "127.0.0.1" if host in ("0.0.0.0", "[::]", "::") else host  # noqa: S104 — a comparison, not a bind
    return f"http://{host}:{port}"


def set_demo_base_url(bind: str) -> None:
    """In the demo, without ``TWOSTEP_BASE_URL``, links in e-mails point at the served address (the workers
    read it from the environment)."""
    if settings.PRODUCTION or os.environ.get("TWOSTEP_BASE_URL"):
        return
    url = demo_base_url(bind)
    if url:
        os.environ["TWOSTEP_BASE_URL"] = url


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
        require_collected_static()
        prepare_metrics_dir()
        set_demo_base_url(bind)
        set_demo_support_contact()
        # A log line, not print(): in production every line of output is a JSON object.
        logger.info("twostep serving on http://%s/ (%d workers)", bind, workers, extra={"bind": bind,
                                                                                  "workers": workers})
        if not settings.PRODUCTION:  # the demo writes mails to files; its mailbox page shows them
            logger.info("demo mailbox (setup codes, invitations, password resets): %s/demo/mailbox/",
                        os.environ.get("TWOSTEP_BASE_URL", f"http://{bind}").rstrip("/"))
        for handler in logging.getLogger().handlers:
            handler.flush()
        command = gunicorn_command(bind=bind, workers=workers, timeout=timeout)
        os.execv(sys.executable, command)  # noqa: S606 — replace this process with gunicorn
