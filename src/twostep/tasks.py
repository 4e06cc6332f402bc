"""Work that must not run inside a request (bulk e-mail to every member of a large organization), or that
must run later (a check once a pending sign-in has run out).

Infrastructure beside settings, not an app: it imports no twostep app (its settings are ``twostep.conf``), so
any app (``mfa`` for the notify-members action) may use it without breaking the one-way imports.

``enqueue(func, *args, **kwargs)`` runs ``func(*args, **kwargs)``:
- with ``TWOSTEP_TASKS_ASYNC`` on (the default when ``REDIS_URL`` is set): as an RQ job on the Redis
  queue ``TWOSTEP_TASK_QUEUE`` (``TWOSTEP_QUEUE_NAME``, by default the cache key prefix), done by
  ``twostep rqworker`` (which works that queue when given no queue names). Inside a transaction
  the job is queued when it commits, so the worker reads committed rows (a rolled-back request queues
  nothing).
- off (the demo, no Redis): at once, in this process.

``enqueue_in(delay, func, *args)`` runs ``func(*args)`` ``delay`` seconds or later after the commit:
- asynchronous: RQ's ``enqueue_at``; the job waits in Redis (RQ's scheduled-job registry, which outlives
  worker restarts) until the scheduler of a ``twostep rqworker`` (always started with it) queues it.
- off (the demo): held in this process and run at the end of its first request once due (any request,
  of any session, but /healthz, /readyz and /metrics: see ``DueTasksMiddleware``). The demo has no worker
  and no Redis; a timer thread inside a gunicorn worker would fire without a request, but would keep its
  own database connection, could not follow the injected test clock, and dies with the worker just the
  same. A restart forgets held tasks: a task that must never be missed needs the queue.

``func`` must be a module-level function and the arguments plain values (ids, not model instances):
they are pickled into Redis.
"""

import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction

from twostep.clock import now as clock_now
from twostep.conf import app_settings

logger = logging.getLogger(__name__)
_held: list[tuple[int, int, Callable[..., Any], tuple]] = []  # heap of (due, order, func, args), in-process
_order = itertools.count()
_lock = threading.Lock()


def _queue():
    import django_rq

    return django_rq.get_queue(app_settings().task_queue)


def _description(func: Callable[..., Any]) -> str:
    # What the worker logs: the function's name, never the arguments.
    return f"{func.__module__}.{func.__qualname__}"


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any):
    """Queue or run ``func``; returns the RQ job when queued now, else None (deferred to commit, or run)."""
    if not app_settings().tasks_async:
        func(*args, **kwargs)
        return None
    return _queue().enqueue_call(func, args=args, kwargs=kwargs, description=_description(func))


def enqueue_in(delay: int, func: Callable[..., Any], *args: Any) -> None:
    """Run ``func(*args)`` ``delay`` seconds from now or later, once the current transaction commits (never if
    it rolls back): on the RQ scheduler, or held in this process in the demo (see the module's notes)."""
    delay = max(int(delay), 0)
    if app_settings().tasks_async:  # RQ's scheduler keeps the wall clock
        at = datetime.now(UTC) + timedelta(seconds=delay)
        transaction.on_commit(lambda: _queue().enqueue_at(at, func, *args, description=_description(func)))
    else:
        due = clock_now() + delay
        transaction.on_commit(lambda: _hold(due, func, args))


def _hold(due: int, func: Callable[..., Any], args: tuple) -> None:
    with _lock:
        heapq.heappush(_held, (due, next(_order), func, args))


def _take_due(now: int) -> list[tuple[Callable[..., Any], tuple]]:
    with _lock:
        taken = []
        while _held and _held[0][0] <= now:
            _, _, func, args = heapq.heappop(_held)
            taken.append((func, args))
        return taken


def run_due(now: int | None = None) -> int:
    """Run the held tasks that are due at ``now`` (Unix seconds; default the clock); returns how many ran.
    A task's error is logged (without its arguments) and does not stop the others."""
    done = 0
    for func, args in _take_due(clock_now() if now is None else now):
        try:
            func(*args)
        except Exception:
            logger.exception("Task %s failed", _description(func))
        done += 1
    return done


def forget_held() -> None:
    """Drop every held task (tests start each one with none)."""
    with _lock:
        _held.clear()


class DueTasksMiddleware:
    """In the demo (tasks in-process), runs the held tasks that are due once each response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _held and not app_settings().tasks_async:
            run_due()
        return response
