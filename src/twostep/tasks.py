"""Work that must not run inside a request (bulk e-mail to every member of a large organization).

Infrastructure beside settings, not an app: it imports no twostep app, so any app (``mfa`` for the
notify-members action) may use it without breaking the one-way imports.

``enqueue(func, *args, **kwargs)`` runs ``func(*args, **kwargs)``:
- with ``TWOSTEP_TASKS_ASYNC`` on (the default when ``REDIS_URL`` is set): as an RQ job on the Redis
  queue ``TWOSTEP_TASK_QUEUE`` (``TWOSTEP_QUEUE_NAME``, by default the cache key prefix), done by
  ``twostep rqworker`` (which works that queue when given no queue names). Inside a transaction
  the job is queued when it commits, so the worker reads committed rows (a rolled-back request queues
  nothing).
- off (the demo, no Redis): at once, in this process.

``func`` must be a module-level function and the arguments plain values (ids, not model instances):
they are pickled into Redis.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any):
    """Queue or run ``func``; returns the RQ job when queued now, else None (deferred to commit, or run)."""
    if not settings.TWOSTEP_TASKS_ASYNC:
        func(*args, **kwargs)
        return None
    import django_rq

    queue = django_rq.get_queue(settings.TWOSTEP_TASK_QUEUE)
    # The description is what the worker logs: the function's name, never the arguments.
    return queue.enqueue_call(func, args=args, kwargs=kwargs, description=f"{func.__module__}.{func.__qualname__}")
