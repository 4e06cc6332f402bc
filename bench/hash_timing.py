"""The password hasher timed inside the measured servers' workers, for *hash share of sign-in CPU*.

``install(path, folder)`` (from ``bench/settings_bench.py`` with ``TWOSTEP_BENCH_HASH_TIMES=<folder>``, and from
the peer's settings) wraps ``verify`` and ``encode`` of the hasher class at ``path``: each call's CPU time --
``time.process_time()``, every thread of the worker, so Argon2's lanes too; a gunicorn sync worker runs one
request at a time, so nothing else runs in it meanwhile -- is added up and written to ``<folder>/<pid>`` as
``calls cpu_seconds`` after each call. ``read(folder)`` adds up every worker's file. The class, its parameters
and the profile stay the product's: only the two methods are wrapped, at a cost of tens of microseconds.
"""

import os
import time
from pathlib import Path

_totals = {"calls": 0, "cpu": 0.0}


def install(path: str, folder: str) -> None:
    """Wrap ``verify`` and ``encode`` of the class at dotted ``path`` (imported now)."""
    from django.utils.module_loading import import_string

    hasher = import_string(path)
    target = Path(folder)
    for name in ("verify", "encode"):
        setattr(hasher, name, _timed(getattr(hasher, name), target))


def _timed(method, folder: Path):
    def timed(self, *args, **kwargs):
        start = time.process_time()
        try:
            return method(self, *args, **kwargs)
        finally:
            _totals["calls"] += 1
            _totals["cpu"] += time.process_time() - start
            _write(folder)

    timed.__wrapped__ = method
    return timed


def _write(folder: Path) -> None:
    """Replace this process's file whole, so a reader never sees half a line."""
    path = folder / str(os.getpid())
    partial = path.with_suffix(".partial")
    partial.write_text(f"{_totals['calls']} {_totals['cpu']!r}\n")
    os.replace(partial, path)


def read(folder: str | Path) -> tuple[int, float]:
    """(calls, CPU seconds) of every process that wrote into ``folder`` so far."""
    calls, cpu = 0, 0.0
    for path in Path(folder).iterdir():
        if path.name.isdigit():
            count, seconds = path.read_text().split()
            calls, cpu = calls + int(count), cpu + float(seconds)
    return calls, cpu
