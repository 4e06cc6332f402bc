"""Back-off arithmetic for wrong codes and wrong passwords: pure functions, no Django, no I/O.

The schedule, in consecutive failures ``n`` (defaults ``free=5``, ``base=30``, ``cap=900`` seconds):

| failures so far | wait before the next try |
|-----------------|--------------------------|
| 0 - 4           | none                     |
| 5               | 30 s                     |
| 6               | 60 s                     |
| 7, 8, 9         | 120 s, 240 s, 480 s      |
| 10 and more     | 900 s (15 minutes, cap)  |

"After 5 consecutive failures the next try waits 30 s": the 5th failure starts the first wait. Wrong
codes also lock MFA at the ``lock_after``-th consecutive failure (100, NIST SP 800-63B section 5.2.2).
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    """A back-off schedule: ``free`` failures cost nothing, then ``base`` seconds doubling up to ``cap``."""

    free: int = 5
    base: int = 30
    cap: int = 900

    def backoff_seconds(self, failures: int) -> int:
        """Seconds to wait after ``failures`` consecutive failures before the next try (0: try now)."""
        if failures < self.free:
            return 0
        doublings = min(failures - self.free, 32)  # 2**32 * base is far past any sensible cap
        return min(self.base * 2**doublings, self.cap)

    def earliest_try(self, attempt: int) -> int:
        """Seconds from the first try to the earliest moment of try number ``attempt`` (1-based),
        when every try before it fails and each waits exactly its back-off."""
        return sum(self.backoff_seconds(n) for n in range(1, attempt))

    def tries_within(self, seconds: int, *, limit: int) -> int:
        """How many tries (at most ``limit``) fit in ``seconds`` from the first one."""
        tries = 0
        while tries < limit and self.earliest_try(tries + 1) <= seconds:
            tries += 1
        return tries


def backoff_seconds(failures: int, *, free: int = 5, base: int = 30, cap: int = 900) -> int:
    """Seconds to wait after ``failures`` consecutive failures; see the table in the module docstring."""
    return Schedule(free, base, cap).backoff_seconds(failures)


def describe_wait(seconds: int) -> str:
    """A wait for people: "1 second", "45 seconds", then whole minutes rounded up ("15 minutes")."""
    seconds = max(int(seconds), 1)
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
