"""``twostep tune-argon2 --target-ms 250``: measure Argon2id on this machine and print the
``TWOSTEP_ARGON2_*`` values whose password check costs at most that much CPU time.

CPU time, not wall time: it is what a hash takes from the server's cores (argon2-cffi runs the lanes on
threads, so one check's CPU time is about its wall time times the lanes in use) and what other work on the
machine hardly changes. The memory and the lanes stay as configured (or as given); the passes grow from OWASP's
minimum of 2 while the hash stays within the target. When even 2 passes cost more, the memory shrinks, never
below OWASP's 19 MiB.
"""

import statistics
import time
from collections.abc import Callable

import argon2
from django.core.management.base import BaseCommand, CommandError

from twostep.accounts.hashing import MIN_MEMORY_COST, MIN_TIME_COST, Argon2Parameters, argon2_parameters

SAMPLES = 5  # the median of this many hashes per measured setting
MAX_TIME_COST = 100  # twostep.tuning's upper bound
MAX_PARALLELISM = 64  # twostep.tuning's upper bound


def cpu_ms(parameters: Argon2Parameters, samples: int = SAMPLES) -> float:
    """Median CPU milliseconds (every thread of this process) of one Argon2id hash with ``parameters``."""
    hasher = argon2.PasswordHasher(time_cost=parameters.time_cost, memory_cost=parameters.memory_cost,
                                   parallelism=parameters.parallelism, type=argon2.Type.ID)
    times = []
    for _ in range(samples):
        start = time.process_time()
        hasher.hash("tune-argon2: a password of ordinary length")
        times.append(1000 * (time.process_time() - start))
    return statistics.median(times)


def tune(target_ms: float, start: Argon2Parameters,
         measure: Callable[[Argon2Parameters], float]) -> tuple[Argon2Parameters, float]:
    """(parameters, their measured CPU ms): the most passes at ``start``'s memory and lanes within ``target_ms``;
    when 2 passes already cost more, 2 passes with the memory that fits (never below 19 MiB). The cost grows
    about in proportion to passes times memory, which gives the first guess; every answer is measured."""
    memory, lanes = start.memory_cost, start.parallelism
    cost = measure(Argon2Parameters(MIN_TIME_COST, memory, lanes))
    while cost > target_ms and memory > MIN_MEMORY_COST:  # at least 1 MiB less each time
        memory = max(MIN_MEMORY_COST, min(memory - 1024, int(memory * target_ms / cost) // 1024 * 1024))
        cost = measure(Argon2Parameters(MIN_TIME_COST, memory, lanes))
    best = (Argon2Parameters(MIN_TIME_COST, memory, lanes), cost)
    if cost > target_ms:
        return best
    guess = max(MIN_TIME_COST + 1, min(MAX_TIME_COST, int(MIN_TIME_COST * target_ms / cost)))
    found = _passes_within(target_ms, guess, lambda passes: measure(Argon2Parameters(passes, memory, lanes)))
    return (Argon2Parameters(found[0], memory, lanes), found[1]) if found else best


def _passes_within(target_ms: float, guess: int, cost_of: Callable[[int], float]) -> tuple[int, float] | None:
    """(passes, CPU ms) of the most passes above the minimum within ``target_ms``, searched from ``guess``
    upwards when it fits, else downwards; None when none above the minimum fits."""
    cost = cost_of(guess)
    if cost > target_ms:
        for passes in range(guess - 1, MIN_TIME_COST, -1):
            if (cost := cost_of(passes)) <= target_ms:
                return passes, cost
        return None
    while guess < MAX_TIME_COST and (more := cost_of(guess + 1)) <= target_ms:
        guess, cost = guess + 1, more
    return guess, cost


class Command(BaseCommand):
    help = "Measure Argon2id on this machine and print TWOSTEP_ARGON2_* values for a CPU time per password check."
    requires_system_checks = []  # it is how to fix values the Argon2 check refuses

    def add_arguments(self, parser):
        parser.add_argument("--target-ms", type=int, required=True, help="CPU milliseconds per password check.")
        parser.add_argument("--memory-cost", type=int, help="KiB per hash (default: TWOSTEP_ARGON2_MEMORY_COST).")
        parser.add_argument("--parallelism", type=int, help="Lanes (default: TWOSTEP_ARGON2_PARALLELISM).")

    def handle(self, *args, target_ms, memory_cost, parallelism, **options):
        current = argon2_parameters()
        if target_ms < 1:
            raise CommandError("--target-ms must be at least 1")
        if memory_cost is not None and memory_cost < MIN_MEMORY_COST:
            raise CommandError(f"--memory-cost must be at least {MIN_MEMORY_COST} KiB (19 MiB, OWASP's minimum)")
        if parallelism is not None and not 1 <= parallelism <= MAX_PARALLELISM:
            raise CommandError(f"--parallelism must be from 1 to {MAX_PARALLELISM}")
        start = Argon2Parameters(MIN_TIME_COST, max(memory_cost or current.memory_cost, MIN_MEMORY_COST),
                                 parallelism or current.parallelism)
        chosen, cost = tune(target_ms, start, cpu_ms)
        self.stdout.write(f"Argon2id on this machine, CPU time of one password check (median of {SAMPLES}): "
                          f"{cost:.0f} ms with {chosen}; now configured: {current}")
        if cost > target_ms:
            self.stdout.write(f"Even OWASP's minimum ({MIN_TIME_COST} passes, {MIN_MEMORY_COST} KiB) costs more "
                              f"than {target_ms} ms here: these are the cheapest values allowed.")
        self.stdout.write(f"TWOSTEP_ARGON2_TIME_COST={chosen.time_cost}\n"
                          f"TWOSTEP_ARGON2_MEMORY_COST={chosen.memory_cost}\n"
                          f"TWOSTEP_ARGON2_PARALLELISM={chosen.parallelism}")
        self.stdout.write(f"Each core then checks about {1000 / cost:.1f} passwords a second; stored hashes take "
                          "the new values at each user's next sign-in.")
