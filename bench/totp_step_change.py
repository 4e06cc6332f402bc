"""How many sign-ins each TOTP acceptance setting loses at a step change: a simulation, in seconds.

Run: python bench/totp_step_change.py, or python -m bench steps (3-6 s). Needs nothing but the source tree.

Simulated people read the code their authenticator app shows at a random moment and it reaches the
server some seconds later (typing, pressing the button, the network). Every code goes through the real
``twostep.otp.drift.check`` (or, for the setting before it, ``twostep.otp.verify`` with window 1), with the
offset learned at setup and at sign-ins exactly as the product stores it. A code refused with a wrong-code
or a clock answer is *lost*: the person reads the app again and types the new code. Deterministic
(fixed seed); prints figures, asserts nothing.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from twostep.otp import drift, find_step, totp, verify  # noqa: E402

PERIOD = 30
SIGNINS = 4_000  # per setting and delay model: phones on automatic time
PEOPLE, EACH = 40, 50  # phones whose clock is off: people per offset, sign-ins each
# (what happened, seconds the phone's clock is off at setup, and afterwards; >0: ahead)
CLOCKS = (("20 s behind", -20, -20), ("40 s behind", -40, -40), ("10 s ahead", 10, 10), ("20 s ahead", 20, 20),
          ("45 s ahead", 45, 45), ("set 95 s ahead after setup", 0, 95), ("set 95 s behind after setup", 0, -95),
          ("45 s ahead, then automatic", 45, 0))
SETTINGS = ("before: +-1 step", drift.CURRENT_AND_PREVIOUS, drift.CURRENT)
START = 1_795_996_800


def uniform_delay(rng: random.Random) -> int:
    """0 to 10 s from reading the code to the server receiving it, evenly."""
    return rng.randint(0, 10)


def long_tail_delay(rng: random.Random) -> int:
    """About 5 s (median), 1 in 20 beyond 11 s, a few beyond 20 s: slow typists and bad networks."""
    return min(int(1.5 + rng.lognormvariate(1.2, 0.55)), 60)


@dataclass
class Phone:
    """One authenticator: the app's clock offset (seconds) and what the server stored about it."""

    key: bytes
    skew: int
    state: drift.ClockState = field(default_factory=drift.ClockState)
    last_used_step: int | None = None


@dataclass
class Tally:
    """Counts over one simulated setting (sign-ins, and codes typed including retries)."""

    signins: int = 0
    lost: int = 0  # sign-ins whose first code was refused
    at_change: int = 0  # sign-ins whose code changed in the app before it arrived
    lost_at_change: int = 0
    clock_answers: int = 0
    codes: int = 0  # codes typed in all (retries included)

    def percent(self, part: int) -> float:
        return 100 * part / self.signins if self.signins else 0.0

    def figures(self) -> dict:
        """Percentages of the sign-ins, for bench/out/latest.json."""
        return {"signins": self.signins, "code_changed": self.percent(self.at_change),
                "first_code_refused": self.percent(self.lost), "clock_answers": self.percent(self.clock_answers),
                "refused_of_changed": 100 * self.lost_at_change / max(self.at_change, 1)}


def try_code(setting: str, phone: Phone, code: str, now: int) -> tuple[bool, bool]:
    """(accepted, clock answer) for one code, updating what the server stores as the product does."""
    if setting == SETTINGS[0]:
        step = verify(phone.key, code, now=now, window=1, last_used_step=phone.last_used_step)
        if step is not None:
            phone.last_used_step = step
        return step is not None, False
    verdict = drift.check(phone.key, code, now=now, state=phone.state, accept=setting,
                          last_used_step=phone.last_used_step)
    if verdict.accepted and (phone.last_used_step is None or verdict.step > phone.last_used_step):
        phone.last_used_step, phone.state = verdict.step, verdict.state
        return True, False
    if verdict.outcome == drift.CLOCK:
        phone.state = verdict.state
    return False, verdict.outcome == drift.CLOCK


def set_up(phone: Phone, rng: random.Random, delay: Callable, now: int) -> None:
    """Confirm the phone at ``now`` as ``confirm_enrollment`` does with TWOSTEP_TOTP_WINDOW=1: one step either
    side of ours searched; a phone further off is told to set its clock to automatic, and does."""
    read = now - delay(rng)
    code = totp(phone.key, now=read + phone.skew)
    step = find_step(phone.key, code, now=now, lo=-1, hi=1)
    if step is None:
        phone.skew = 0
        return set_up(phone, rng, delay, now + 30)
    phone.last_used_step = step
    phone.state = drift.ClockState(drift.drift_at_setup(step - now // PERIOD))


def sign_in(setting: str, phone: Phone, rng: random.Random, delay: Callable, now: int, tally: Tally) -> None:
    """One sign-in at a random moment after ``now``: read, type, and retry with a new code until accepted."""
    read = now
    first, tally.signins = True, tally.signins + 1
    for _ in range(6):
        arrives = read + delay(rng)
        changed = (arrives + phone.skew) // PERIOD != (read + phone.skew) // PERIOD
        accepted, clock = try_code(setting, phone, totp(phone.key, now=read + phone.skew), arrives)
        tally.codes += 1
        tally.clock_answers += clock
        if first:
            tally.at_change += changed
            tally.lost += not accepted
            tally.lost_at_change += changed and not accepted
        if accepted:
            return
        first, read = False, arrives + 2  # reads the app again
        if clock and rng.random() < 0.5:  # half of those told fix the phone's clock
            phone.skew = rng.choice((-1, 0, 0, 1))
        while (read + phone.skew) // PERIOD <= (phone.last_used_step or -1):  # waits for a fresh code
            read += 1


def run(setting: str, phones: list[Phone], rng: random.Random, delay: Callable, signins: int,
        later: int | None = None) -> Tally:
    """``signins`` sign-ins, hours apart, spread over ``phones``; ``later``: the clock offset (seconds) the
    phones have after their setup, when it changed."""
    tally, now = Tally(), START
    for phone in phones:
        set_up(phone, rng, delay, now + rng.randrange(PERIOD))
        phone.skew = phone.skew if later is None else later
    for n in range(signins):
        now += rng.randint(600, 86_400)  # hours apart
        sign_in(setting, phones[n % len(phones)], rng, delay, now, tally)
    return tally


def automatic(setting: str, delay: Callable) -> Tally:
    rng = random.Random(6238)
    phones = [Phone(rng.randbytes(20), round(rng.gauss(0, 0.7))) for _ in range(200)]
    return run(setting, phones, rng, delay, SIGNINS)


def clock_off(setting: str, at_setup: int, later: int) -> Tally:
    rng = random.Random(at_setup * 1000 + later)
    phones = [Phone(rng.randbytes(20), at_setup) for _ in range(PEOPLE)]
    return run(setting, phones, rng, long_tail_delay, PEOPLE * EACH, later)


def main() -> dict:
    """Print the figures; returns them: {"automatic": {delay: {setting: figures}}, "clock_off": {phone: ...}}."""
    started = time.perf_counter()
    results: dict = {"automatic": {}, "clock_off": {}}
    for name, delay in (("0-10 s evenly", uniform_delay), ("long tail, median 5 s", long_tail_delay)):
        print(f"\nPhones on automatic time ({SIGNINS:,} sign-ins by 200 phones; delay from reading to arrival: {name})")
        print(f"  {'setting':22s} {'code changed':>13s} {'first code refused':>19s} {'of those changed':>17s}")
        for setting in SETTINGS:
            tally = automatic(setting, delay)
            results["automatic"].setdefault(name, {})[setting] = tally.figures()
            print(f"  {setting:22s} {tally.percent(tally.at_change):12.1f}% {tally.percent(tally.lost):18.2f}% "
                  f"{100 * tally.lost_at_change / max(tally.at_change, 1):16.1f}%")
    print(f"\nPhones whose clock is off ({PEOPLE} phones x {EACH} sign-ins each; long-tail delay; "
          "first code refused / clock answers per 100 sign-ins)")
    print("  " + f"{'the phone':28s}" + "".join(f" {setting:>22s}" for setting in SETTINGS))
    for label, at_setup, later in CLOCKS:
        tallies = [clock_off(setting, at_setup, later) for setting in SETTINGS]
        results["clock_off"][label] = {setting: t.figures() for setting, t in zip(SETTINGS, tallies, strict=True)}
        print(f"  {label:28s}" + "".join(f" {t.percent(t.lost):11.1f}% / {t.percent(t.clock_answers):5.1f}%"
                                           for t in tallies))
    print(f"\n{time.perf_counter() - started:.1f} s")
    return results


if __name__ == "__main__":
    main()
