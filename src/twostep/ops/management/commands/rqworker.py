"""``twostep rqworker``: django-rq's worker, on this site's queue (``TWOSTEP_QUEUE_NAME``) by default.

RQ's own default queue is ``default``, shared by every site on the same Redis; twostep's tasks go to the
queue named by ``TWOSTEP_QUEUE_NAME`` (by default ``TWOSTEP_CACHE_KEY_PREFIX``), so that is what a worker
started without queue names works.

The worker always runs RQ's scheduler too (``--with-scheduler`` is implied): delayed tasks
(``twostep.tasks.enqueue_in``) wait in Redis until a scheduler queues them. Several workers may run it; RQ
lets one of them at a time hold each queue's scheduler lock.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django_rq.management.commands.rqworker import Command as RQWorkerCommand

from twostep.conf import app_settings


class Command(RQWorkerCommand):
    help = ("Run a task worker, with RQ's scheduler for delayed tasks, on this site's queue (TWOSTEP_QUEUE_NAME) "
            "unless queue names are given.")

    def handle(self, *args, **options):
        own = app_settings().task_queue
        queues = args or (own,)
        unknown = [name for name in queues if name not in settings.RQ_QUEUES]
        if unknown:
            raise CommandError(f"No such queue: {', '.join(unknown)} (this site's queue is "
                               f"{own!r}, from TWOSTEP_QUEUE_NAME)")
        super().handle(*queues, **{**options, "with_scheduler": True})
