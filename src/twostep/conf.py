"""Settings of twostep's root modules (``tasks``, the one clock in ``clock``), typed and read lazily from Django
settings.

Infrastructure beside the settings module, like ``tasks`` and ``counters``: it imports no twostep app, so every
app may read these (the clock through ``twostep.clock``) without breaking the one-way imports. The settings module
reads the variables from the environment and stops start-up on a bad one (``twostep.backing``).

| setting              | default    | meaning                                                                  |
|----------------------|------------|--------------------------------------------------------------------------|
| TWOSTEP_CLOCK        | None       | callable returning Unix seconds (tests only, not from the environment);  |
|                      |            | None = the wall clock. ``twostep.clock`` reads it, every app that clock  |
| TWOSTEP_TASKS_ASYNC  | False      | tasks are RQ jobs on Redis, done by ``twostep rqworker``; off: run in     |
|                      |            | this process (the settings module turns it on when REDIS_URL is set)     |
| TWOSTEP_TASK_QUEUE   | "twostep"  | the RQ queue of this site's tasks (from TWOSTEP_QUEUE_NAME, by default   |
|                      |            | the cache key prefix)                                                    |
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class TwostepSettings:
    clock: Callable[[], float] | None
    tasks_async: bool
    task_queue: str


def app_settings() -> TwostepSettings:
    """The current values (read on each call, so ``override_settings`` works in tests)."""
    return TwostepSettings(
        clock=getattr(settings, "TWOSTEP_CLOCK", None),
        tasks_async=getattr(settings, "TWOSTEP_TASKS_ASYNC", False),
        task_queue=getattr(settings, "TWOSTEP_TASK_QUEUE", "twostep"),
    )
