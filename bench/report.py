"""Printing: progress lines, the machine, the summary table, and bench/out/latest.json."""

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path


def say(what: str, figures: str) -> None:
    print(f"  {what:34s} {figures}", flush=True)


def num(value, digits: int = 1, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}{unit}"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(memory / 2**20, 1),
            "python": sys.version.split()[0], "postgresql": _postgres_version(), "kernel": platform.release()}


def _postgres_version() -> str:
    from bench import pg

    try:
        with pg.admin_connection() as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # noqa: BLE001 - a version is nice to have, never a reason to fail
        return f"unknown ({exc.__class__.__name__})"


def header(command: str) -> dict:
    info = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "command": command, "machine": machine(),
            "load_at_start": load(), "started": time.time()}
    m = info["machine"]
    print(f"twostep benchmarks, {info['date']}: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, "
          f"Python {m['python']}, PostgreSQL {m['postgresql']}; load average {info['load_at_start']}", flush=True)
    return info


def write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str))


def git_commit(root: Path) -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def spread_text(spread: dict | None, digits: int = 1) -> str:
    """``median (min-max)`` of a ``bench.stats.spread``; the median alone for one round; "n/a" for none."""
    if spread is None:
        return "n/a"
    median = f"{spread['median']:,.{digits}f}"
    if spread["rounds"] == 1:
        return median
    return f"{median} ({spread['min']:,.{digits}f}-{spread['max']:,.{digits}f})"
