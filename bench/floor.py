"""The Argon2 floor: password verifications per second with the servers' Argon2id parameters (the product's
defaults, which are Django's Argon2PasswordHasher's) in 2 processes (as many as the app server has workers).
No sign-in can beat it, since each one verifies a password once."""

import multiprocessing
import time

import argon2

from twostep.tuning import DEFAULTS

PASSWORD = "bench: correct horse battery staple"
PROCESSES = 2


def parameters() -> dict:
    """The servers' parameters: the benchmark gives them no TWOSTEP_ARGON2_*, so the product's defaults."""
    return {"time_cost": DEFAULTS["TWOSTEP_ARGON2_TIME_COST"], "memory_cost": DEFAULTS["TWOSTEP_ARGON2_MEMORY_COST"],
            "parallelism": DEFAULTS["TWOSTEP_ARGON2_PARALLELISM"]}


def _verify_until(job: tuple[str, float, float]) -> tuple[int, float, float]:
    """(verifications, wall seconds they took, CPU seconds of the process) from ``start_at`` on."""
    encoded, start_at, stop_at = job
    hasher = argon2.PasswordHasher(**parameters())
    while time.time() < start_at:
        time.sleep(0.001)
    count, cpu = 0, time.process_time()
    while time.time() < stop_at:
        hasher.verify(encoded, PASSWORD)
        count += 1
    return count, time.time() - start_at, time.process_time() - cpu


class Floor:
    """Two waiting processes; ``measure(seconds)`` has both verify for ``seconds`` (idle in between, so
    the floor can be measured between sign-in runs in the same minute)."""

    def __enter__(self) -> "Floor":
        self.encoded = argon2.PasswordHasher(**parameters()).hash(PASSWORD)
        self.pool = multiprocessing.get_context("spawn").Pool(PROCESSES)
        self.pool.map(time.sleep, [0] * PROCESSES)  # started and imported
        return self

    def __exit__(self, *exc) -> None:
        self.pool.terminate()
        self.pool.join()

    def measure(self, seconds: float) -> dict:
        """Verifications per second of the processes together, and CPU milliseconds per verification."""
        start_at = time.time() + 0.2
        results = self.pool.map(_verify_until, [(self.encoded, start_at, start_at + seconds)] * PROCESSES,
                                chunksize=1)
        count = sum(c for c, _, _ in results)
        return {"processes": PROCESSES, "parameters": parameters(), "seconds": seconds, "verifications": count,
                "per_second": sum(c / wall for c, wall, _ in results),
                "cpu_ms_each": 1000 * sum(cpu for _, _, cpu in results) / max(count, 1)}
