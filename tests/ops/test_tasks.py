"""Background tasks: RQ on the real Redis when asynchronous, in-process in the demo."""

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.test import override_settings

from tests.services import unique_queue, work_off
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
