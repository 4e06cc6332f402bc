"""Background tasks: RQ on the real Redis when asynchronous, in-process in the demo."""

import signal

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.test import override_settings
from rq import SimpleWorker

from tests.services import REDIS_URL, delete_keys, require_redis, unique_name
from twostep.tasks import enqueue

pytestmark = pytest.mark.django_db


@override_settings(TWOSTEP_TASKS_ASYNC=False)
def test_in_process_a_task_runs_at_once():
    assert enqueue(send_mail, "MFA is now required", "Set up MFA.", None, ["ada@acme.example"]) is None
    assert [m.subject for m in mail.outbox] == ["MFA is now required"]


@pytest.fixture
def redis_queue():
    """A queue with a unique name on the real Redis; its keys are deleted afterwards."""
    client = require_redis()
    name = unique_name("queue")
    with override_settings(TWOSTEP_TASKS_ASYNC=True, RQ_QUEUES={name: {"URL": REDIS_URL}}):
        import django_rq

        queue = django_rq.get_queue(name)
        yield queue
        for job_id in queue.job_ids + queue.finished_job_registry.get_job_ids():
            delete_keys(client, f"rq:*{job_id}*")
        queue.delete(delete_jobs=True)
        delete_keys(client, f"rq:*{name}*")  # registries and the worker, named after the queue


@pytest.mark.redis
def test_a_task_is_queued_at_commit_and_done_by_a_worker(redis_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(send_mail, "MFA is now required", "Set up MFA.", None, ["ada@acme.example"], queue=redis_queue.name)
        assert redis_queue.count == 0  # not before the transaction commits
    assert redis_queue.count == 1 and mail.outbox == []  # queued, not run here
    (job,) = redis_queue.jobs
    assert job.description == "django.core.mail.send_mail"  # the worker's log line: no addresses

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        worker = SimpleWorker([redis_queue], connection=redis_queue.connection, name=f"{redis_queue.name}_worker")
        assert worker.work(burst=True) is True
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert redis_queue.count == 0
    assert [(m.subject, m.to) for m in mail.outbox] == [("MFA is now required", ["ada@acme.example"])]
