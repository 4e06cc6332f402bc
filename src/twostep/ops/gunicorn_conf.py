"""gunicorn settings for ``twostep serve`` (``-c python:twostep.ops.gunicorn_conf``); the command line
adds bind, workers and timeout."""

import os
from pathlib import Path

from twostep.config import profile
from twostep.ops.logs import configured_logging

# gunicorn's own lines go through the same handler as Django's (JSON lines in production); the access
# log is off because RequestTelemetryMiddleware logs every request with its id and duration.
logconfig_dict = configured_logging(production=profile() == "production")
accesslog = None
# gunicorn's runtime control socket (gunicorn >= 25.1) sits at one path per user: several app servers on one
# host would take it from each other. twostep does not use it.
control_socket_disable = True


def on_starting(server) -> None:
    """Before any worker starts: remove the metrics files of earlier runs (the master itself keeps no
    metrics; it does not load the application)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        for stale in Path(folder).glob("*.db"):
            stale.unlink()


def child_exit(server, worker) -> None:
    """A worker ended: its live metrics files are merged into the totals and no longer read as live."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
