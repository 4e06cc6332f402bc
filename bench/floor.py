"""The Argon2 floor: password verifications per second with Django's Argon2PasswordHasher parameters
in 2 processes (as many as the app server has workers). No sign-in can beat it, since each one
verifies a password once."""

import multiprocessing
import time

import argon2
from django.contrib.auth.hashers import Argon2PasswordHasher

PASSWORD = "bench: correct horse battery staple"
PROCESSES = 2


def parameters() -> dict:
    django = Argon2PasswordHasher
    return {"time_cost": django.time_cost, "memory_cost": django.memory_cost, "parallelism": django.parallelism}


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


def measure(seconds: float) -> dict:
    """Verifications per second of ``PROCESSES`` processes verifying for ``seconds``; CPU ms each."""
    encoded = argon2.PasswordHasher(**parameters()).hash(PASSWORD)
    start_at = time.time() + 2.0  # after the processes have started
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        results = pool.map(_verify_until, [(encoded, start_at, start_at + seconds)] * PROCESSES)
    count = sum(c for c, _, _ in results)
    return {"processes": PROCESSES, "parameters": parameters(), "seconds": seconds, "verifications": count,
            "per_second": sum(c / wall for c, wall, _ in results),
            "cpu_ms_each": 1000 * sum(cpu for _, _, cpu in results) / max(count, 1)}
