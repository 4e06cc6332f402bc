"""Background tasks: RQ on the real Redis when asynchronous, in-process in the demo."""

import signal

import pytest
import rq
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from tests.services import unique_queue, work_off
from twostep import backing
from twostep.tasks import enqueue

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
