"""The real PostgreSQL and Redis on loopback, for the tests that need them.

Outside CI a test skips with a reason when a server is missing; with ``CI=true`` it fails instead.
Everything a test creates carries a unique random name (``unique_name``) and is removed by that test.
"""

import os
import secrets
import signal
from contextlib import contextmanager

import pytest

POSTGRES_URL = os.environ.get("TWOSTEP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TWOSTEP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def unique_name(purpose: str) -> str:
    """``twostep_<purpose>_<random hex>``: a database, queue or key prefix no other run uses."""
    return f"twostep_{purpose}_{secrets.token_hex(6)}"


def _missing(what: str, exc: Exception) -> None:
    message = f"{what} is not reachable ({type(exc).__name__}: {exc})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_postgres():
    """An autocommit psycopg connection to the PostgreSQL test server (caller closes it)."""
    import psycopg

    try:
        return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _missing(f"PostgreSQL at {POSTGRES_URL}", exc)


def require_redis():
    """A redis-py client of the Redis test server."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        _missing(f"Redis at {REDIS_URL}", exc)
    return client


def delete_keys(client, pattern: str) -> None:
    """Delete this run's keys (SCAN + DEL on our own pattern; never FLUSHDB)."""
    keys = list(client.scan_iter(match=pattern, count=500))
    if keys:
        client.delete(*keys)


def closed_port() -> int:
    """A loopback TCP port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def unique_queue():
    """Tasks on for the block, on an RQ queue with a unique name on the real Redis; its keys go afterwards."""
    import django_rq
    from django.test import override_settings

    client = require_redis()
    name = unique_name("queue")
    with override_settings(TWOSTEP_TASKS_ASYNC=True, TWOSTEP_TASK_QUEUE=name, RQ_QUEUES={name: {"URL": REDIS_URL}}):
        queue = django_rq.get_queue(name)
        try:
            yield queue
        finally:
            for job_id in queue.job_ids + queue.finished_job_registry.get_job_ids():
                delete_keys(client, f"rq:*{job_id}*")
            queue.delete(delete_jobs=True)
            delete_keys(client, f"rq:*{name}*")  # registries and the worker, named after the queue


def work_off(queue) -> None:
    """Run every job of ``queue`` with an RQ worker in this process (burst mode), as ``twostep rqworker``
    would; the worker's signal handlers are put back afterwards."""
    from rq import SimpleWorker

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        SimpleWorker([queue], connection=queue.connection, name=f"{queue.name}_worker").work(burst=True)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def run_rqworker(queue) -> None:
    """``twostep rqworker --burst`` (which runs RQ's scheduler too) on ``queue`` in this process; the signal
    handlers are put back."""
    from django.core.management import call_command

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("rqworker", "--burst", "--worker-class", "rq.SimpleWorker", "--name", f"{queue.name}_w",
                     verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
