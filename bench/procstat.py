"""CPU time of processes from /proc (Linux): the gunicorn workers and their PostgreSQL backends."""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()  # the fields after "pid (comm)", from field 3 (state) on


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid``; 0.0 when the process is gone."""
    try:
        fields = _stat_fields(pid)
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime are fields 14 and 15


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (scans /proc: works without CONFIG_PROC_CHILDREN)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat_fields(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                continue
    return sorted(found)


class CpuMeter:
    """CPU seconds used by a fixed set of processes between ``start()`` and ``stop()``.

    The set is taken at ``start``; ``stop`` reports whether it is still the same (a restarted worker
    would lose its time), so a figure never silently undercounts.
    """

    def __init__(self, pids_of):
        self.pids_of = pids_of  # callable returning the pids to watch

    def start(self) -> None:
        self.pids = tuple(self.pids_of())
        self.before = {pid: cpu_seconds(pid) for pid in self.pids}

    def stop(self) -> tuple[float, bool]:
        """(CPU seconds used, True when the same processes were alive throughout)."""
        used = sum(cpu_seconds(pid) - before for pid, before in self.before.items())
        return used, tuple(self.pids_of()) == self.pids
