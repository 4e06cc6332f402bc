"""Verifications per second of ``twostep.otp.verify`` against pyotp, like for like, in CPU time.

Run: python -m bench otp, or python bench/otp_core.py (needs pyotp: pip install -e .[bench]).

Both sides get the same secrets, times and codes (half valid within +-1 step, half random wrong codes) with
window 1, in two comparisons:
- *from the base32 secret*, as a server holding the secret as text: ``verify(b32decode(secret), ...)`` against
  ``pyotp.TOTP(secret).verify(...)``;
- *with a prepared key*: ``verify(key, ...)`` on the key's bytes against a ``pyotp.TOTP`` built once per secret
  (the most pyotp lets a caller prepare: it keeps the base32 text and decodes it for every code it computes).
Each timing is CPU time (``time.process_time``) of every case REPEAT times; the sides alternate in ROUNDS rounds,
and the ratio is printed round by round as median (min-max). Prints figures; asserts nothing.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import pyotp  # noqa: E402

from bench.report import spread_text  # noqa: E402
from bench.stats import spread  # noqa: E402
from twostep.otp import b32decode, b32encode, totp, verify  # noqa: E402

CASES = 2_000
REPEAT = 5  # 10,000 verifications per timing
ROUNDS = 5

Case = tuple[bytes, str, int, str]  # key, base32 secret, now, code


def make_cases(count: int = CASES) -> list[Case]:
    """(key, base32 secret, now, code) tuples; deterministic."""
    rng = random.Random(6238)
    cases = []
    for i in range(count):
        key = rng.randbytes(20)
        now = rng.randint(10**9, 2 * 10**9)
        if i % 2:
            code = f"{rng.randrange(10**6):06d}"  # almost surely wrong
        else:
            code = totp(key, now=now + rng.choice((-30, 0, 30)))
        cases.append((key, b32encode(key), now, code))
    return cases


def sides(cases: list[Case]) -> dict[str, tuple[Callable[[], None], Callable[[], None]]]:
    """Comparison name -> (twostep, pyotp): each verifies every case once."""
    prepared = [(pyotp.TOTP(secret), now, code) for _, secret, now, code in cases]

    def ours_from_secret() -> None:
        for _, secret, now, code in cases:
            verify(b32decode(secret), code, now=now, window=1)

    def pyotp_from_secret() -> None:
        for _, secret, now, code in cases:
            pyotp.TOTP(secret).verify(code, for_time=now, valid_window=1)

    def ours_prepared() -> None:
        for key, _, now, code in cases:
            verify(key, code, now=now, window=1)

    def pyotp_prepared() -> None:
        for otp, now, code in prepared:
            otp.verify(code, for_time=now, valid_window=1)

    return {"from the base32 secret": (ours_from_secret, pyotp_from_secret),
            "with a prepared key": (ours_prepared, pyotp_prepared)}


def cpu_rate(once: Callable[[], None], cases: int, repeat: int = REPEAT) -> float:
    """Verifications per CPU second of ``repeat`` calls of ``once`` (each verifying ``cases``)."""
    start = time.process_time()
    for _ in range(repeat):
        once()
    return repeat * cases / max(time.process_time() - start, 1e-9)


def compare(ours: Callable[[], None], theirs: Callable[[], None], cases: int, *, rounds: int = ROUNDS,
            repeat: int = REPEAT) -> dict:
    """Both sides timed in alternating rounds: their median rates and the ratio's spread round by round."""
    pairs = [(cpu_rate(ours, cases, repeat), cpu_rate(theirs, cases, repeat)) for _ in range(rounds)]
    return {"twostep": statistics.median(a for a, _ in pairs), "pyotp": statistics.median(b for _, b in pairs),
            "ratio": spread([a / b for a, b in pairs])}


def agreement(cases: list[Case]) -> int:
    return sum((verify(key, code, now=now, window=1) is not None)
               == pyotp.TOTP(secret).verify(code, for_time=now, valid_window=1) for key, secret, now, code in cases)


def main(*, count: int = CASES, rounds: int = ROUNDS, repeat: int = REPEAT) -> dict:
    """Print the figures; returns them (by comparison: rates per CPU second, the ratio's spread)."""
    cases = make_cases(count)
    accepted = sum(verify(key, code, now=now, window=1) is not None for key, _, now, code in cases)
    agree = agreement(cases)
    print(f"Python {sys.version.split()[0]}; {len(cases)} cases ({accepted} valid), window=1; "
          f"results agree with pyotp on {agree}/{len(cases)}")
    comparisons = {}
    for name, (ours, theirs) in sides(cases).items():
        figures = comparisons[name] = compare(ours, theirs, len(cases), rounds=rounds, repeat=repeat)
        print(f"  {name:24s} twostep {figures['twostep']:>9,.0f}/s, pyotp {figures['pyotp']:>9,.0f}/s per CPU "
              f"second: {spread_text(figures['ratio'], 2)} x (round by round, {rounds} rounds)", flush=True)
    return {"cases": len(cases), "accepted": accepted, "agree": agree, "comparisons": comparisons}


if __name__ == "__main__":
    main()
