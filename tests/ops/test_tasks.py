"""Background tasks: RQ on the real Redis when asynchronous, in-process in the demo."""

import signal
from datetime import UTC, datetime

import pytest
import rq
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from tests.services import run_rqworker, unique_queue, work_off
from twostep import backing, tasks
from twostep.tasks import enqueue, enqueue_in

pytestmark = pytest.mark.django_db


@override_settings(TWOSTEP_TASKS_ASYNC=False)
def test_in_process_a_task_runs_at_once():
    assert enqueue(send_mail, "MFA is now required", "Set up MFA.", None, ["ada@acme.example"]) is None
    assert [m.subject for m in mail.outbox] == ["MFA is now required"]


@pytest.mark.redis
def test_a_task_is_queued_at_commit_and_done_by_a_worker(django_capture_on_commit_callbacks):
    with unique_queue() as queue:
        with django_capture_on_commit_callbacks(execute=True):
            enqueue(send_mail, "MFA is now required", "Set up MFA.", None, ["ada@acme.example"])
            assert queue.count == 0  # not before the transaction commits
        assert queue.count == 1 and mail.outbox == []  # queued, not run here
        (job,) = queue.jobs
        assert job.description == "django.core.mail.send_mail"  # the worker's log line: no addresses
        work_off(queue)
        assert queue.count == 0
    assert [(m.subject, m.to) for m in mail.outbox] == [("MFA is now required", ["ada@acme.example"])]


@pytest.mark.parametrize(("environment", "expected"), [
    ({}, "twostep"),
    ({"TWOSTEP_CACHE_KEY_PREFIX": "site2"}, "site2"),
    ({"TWOSTEP_CACHE_KEY_PREFIX": "site2", "TWOSTEP_QUEUE_NAME": "site2-mail"}, "site2-mail"),
])
def test_the_queue_is_named_after_the_site(monkeypatch, environment, expected):
    monkeypatch.delenv("TWOSTEP_QUEUE_NAME", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    prefix = backing.cache("")["default"]["KEY_PREFIX"]
    assert backing.task_queue(prefix) == expected


def test_a_malformed_queue_name_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.setenv("TWOSTEP_QUEUE_NAME", "two words")
    with pytest.raises(ImproperlyConfigured, match="^TWOSTEP_QUEUE_NAME may hold at most 64 letters"):
        backing.task_queue("twostep")


@pytest.mark.redis
def test_rqworker_without_queue_names_works_the_sites_queue(django_capture_on_commit_callbacks):
    with unique_queue() as queue:
        other = rq.Queue("default", connection=queue.connection)  # RQ's own default, shared by every site
        other_jobs_before = other.count
        with django_capture_on_commit_callbacks(execute=True):
            enqueue(send_mail, "MFA is now required", "Set up MFA.", None, ["ada@acme.example"])
        assert queue.count == 1 and other.count == other_jobs_before  # not on RQ's shared "default"
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            call_command("rqworker", "--burst", "--worker-class", "rq.SimpleWorker", "--name", f"{queue.name}_w",
                         verbosity=0)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
        assert queue.count == 0
    assert [m.subject for m in mail.outbox] == ["MFA is now required"]


def test_rqworker_refuses_a_queue_this_site_does_not_have():
    with pytest.raises(CommandError, match="No such queue: nope"):
        call_command("rqworker", "nope", "--burst")


@override_settings(TWOSTEP_TASKS_ASYNC=False)
def test_in_process_a_delayed_task_runs_at_the_first_request_once_due(client, clock,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_in(60, send_mail, "Later", "body", None, ["ada@acme.example"])
    assert tasks.run_due() == 0 and mail.outbox == []
    clock.advance(59)
    assert client.get("/signin/").status_code == 200 and mail.outbox == []
    assert client.get("/healthz").status_code == 200 and mail.outbox == []
    clock.advance(1)
    assert client.get("/healthz").status_code == 200 and mail.outbox == []  # health checks run nothing
    assert client.get("/signin/").status_code == 200
    assert [m.subject for m in mail.outbox] == ["Later"]
    assert tasks.run_due(clock.now + 3600) == 0  # once


@override_settings(TWOSTEP_TASKS_ASYNC=False)
def test_in_process_a_rolled_back_delayed_task_is_never_held(clock, django_capture_on_commit_callbacks):
    from django.db import transaction

    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_in(0, send_mail, "Never", "body", None, ["ada@acme.example"])
        raise RuntimeError("rolled back")
    assert tasks.run_due(clock.now + 1) == 0 and mail.outbox == []


@override_settings(TWOSTEP_TASKS_ASYNC=False)
def test_in_process_a_failing_task_is_logged_and_the_others_run(clock, caplog, django_capture_on_commit_callbacks):
    def broken(secret):
        raise ValueError(secret)

    with django_capture_on_commit_callbacks(execute=True):
        enqueue_in(0, broken, "s3cret")
        enqueue_in(0, send_mail, "Still sent", "body", None, ["ada@acme.example"])
    assert tasks.run_due() == 2
    assert [m.subject for m in mail.outbox] == ["Still sent"]
    assert [r.getMessage() for r in caplog.records if r.name == "twostep.tasks"] == [
        "Task tests.ops.test_tasks.test_in_process_a_failing_task_is_logged_and_the_others_run.<locals>.broken "
        "failed"]


@pytest.mark.redis
def test_a_delayed_task_waits_in_rqs_schedule_until_the_workers_scheduler_queues_it(
        django_capture_on_commit_callbacks):
    with unique_queue() as queue:
        registry = queue.scheduled_job_registry
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_in(600, send_mail, "Later", "body", None, ["ada@acme.example"])
            assert registry.count == 0  # not before the transaction commits
        (job_id,) = registry.get_job_ids()
        assert 590 <= (registry.get_scheduled_time(job_id) - datetime.now(UTC)).total_seconds() <= 600
        assert queue.fetch_job(job_id).description == "django.core.mail.send_mail"
        run_rqworker(queue)  # not due yet: the worker's scheduler leaves it
        assert mail.outbox == [] and registry.count == 1
        registry.schedule(queue.fetch_job(job_id), datetime.now(UTC))  # as if the 10 minutes had passed
        run_rqworker(queue)  # twostep rqworker runs the scheduler without being asked
        assert registry.count == 0
    assert [m.subject for m in mail.outbox] == ["Later"]
