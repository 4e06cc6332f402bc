"""The one clock of twostep: integer Unix seconds, from ``TWOSTEP_CLOCK`` when set (``twostep.conf``), else the
wall clock.

``TWOSTEP_CLOCK`` is a callable returning Unix seconds; tests set it (it is never read from the environment),
so no test sleeps or patches ``time``. Infrastructure beside settings, not an app: every app may import it.
Use cases take the time as ``now`` (Unix seconds); the views and middleware read it here and pass it in.
"""

import time
from datetime import UTC, datetime

from twostep.conf import app_settings


def _seconds() -> float:
    clock = app_settings().clock
    return clock() if clock is not None else time.time()


def now() -> int:
    """The current time in integer Unix seconds."""
    return int(_seconds())


def moment() -> datetime:
    """The current time as an aware UTC datetime, to the fraction of a second the clock gives (audit rows)."""
    return datetime.fromtimestamp(_seconds(), tz=UTC)


def as_datetime(now: int) -> datetime:
    """Unix seconds as an aware UTC datetime (what the database columns hold)."""
    return datetime.fromtimestamp(now, tz=UTC)
