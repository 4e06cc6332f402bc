"""What storing recovery codes with Argon2id costs: one hash, issuing a set, checking a typed code against it.

Run: python bench/recovery_code_cost.py, or python -m bench recovery (a few seconds). Uses the product's own
functions (``twostep.mfa.recovery.codes``) with its production parameters, without a database. CPU time of
this process (``time.process_time``) and wall time; medians of ROUNDS. Prints figures, asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
ROUNDS = 15


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twostep.settings")
    os.environ.setdefault("TWOSTEP_DATA_DIR", tempfile.mkdtemp(prefix="twostep-bench-recovery-"))
    os.environ["TWOSTEP_PROFILE"] = "demo"
    import django

    django.setup()


def _timed(run, rounds: int = ROUNDS) -> tuple[float, float]:
    """Median (CPU ms, wall ms) of ``rounds`` calls of ``run``."""
    cpu, wall = [], []
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        run()
        cpu.append(1000 * (time.process_time() - c0))
        wall.append(1000 * (time.perf_counter() - w0))
    return statistics.median(cpu), statistics.median(wall)


def main() -> dict:
    """Print the figures; returns them in milliseconds by name."""
    _setup_django()
    from twostep.mfa.recovery import codes as rc

    codes = [rc.new_code() for _ in range(rc.COUNT)]
    stored = [rc.code_hash(code) for code in codes]
    hmacs = rc._hmac_hashes(1, "0000000000")
    wrong = "0000000000"

    def check_all(code: str) -> None:  # what claim() and was_used() do together for a code of no row
        for digest in stored:
            rc._matches(digest, code, hmacs)

    figures = {
        "one hash (issue one code)": _timed(lambda: rc.code_hash(codes[0])),
        "one check": _timed(lambda: rc._matches(stored[0], codes[0], hmacs)),
        f"issue a set of {rc.COUNT}": _timed(lambda: [rc.code_hash(code) for code in codes], rounds=5),
        f"right code, 5th of {rc.COUNT} (claim stops at it)": _timed(
            lambda: next(d for d in stored if rc._matches(d, codes[4], hmacs)), rounds=5),
        f"wrong code against the set of {rc.COUNT}": _timed(lambda: check_all(wrong), rounds=5),
        "HMAC-SHA256 before (10 compares)": _timed(lambda: [rc._matches("0" * 64, wrong, hmacs) for _ in codes]),
    }
    print(f"Argon2id {rc.hashing()} (argon2-cffi), {len(stored[0])}-character PHC strings")
    for name, (cpu, wall) in figures.items():
        print(f"  {name:46s} {cpu:8.2f} ms CPU {wall:8.2f} ms wall")
    return {name: {"cpu_ms": cpu, "wall_ms": wall} for name, (cpu, wall) in figures.items()}


if __name__ == "__main__":
    main()
