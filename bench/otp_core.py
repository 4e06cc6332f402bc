"""Verifications per second: twostep.otp.verify vs pyotp.TOTP(...).verify.

Run: python -m bench otp, or python bench/otp_core.py (needs pyotp: pip install -e .[bench]).

Both sides get the same secrets, times and codes (half valid within +-1 step,
half random wrong codes) with window 1. Prints figures; asserts nothing.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import pyotp  # noqa: E402

from twostep.otp import b32decode, b32encode, totp, verify  # noqa: E402

CASES = 2_000
ROUNDS = 20  # 40,000 verifications per timing; best of REPEAT timings
REPEAT = 3


def make_cases() -> list[tuple[bytes, str, int, str]]:
    """(key, base32 secret, now, code) tuples; deterministic."""
    rng = random.Random(6238)
    cases = []
    for i in range(CASES):
        key = rng.randbytes(20)
        now = rng.randint(10**9, 2 * 10**9)
        if i % 2:
            code = f"{rng.randrange(10**6):06d}"  # almost surely wrong
        else:
            code = totp(key, now=now + rng.choice((-30, 0, 30)))
        cases.append((key, b32encode(key), now, code))
    return cases


def best_rate(run: Callable[[], int]) -> float:
    """Best verifications/second over REPEAT timings of ``run`` (returns its count)."""
    best = 0.0
    for _ in range(REPEAT):
        start = time.perf_counter()
        count = run()
        best = max(best, count / (time.perf_counter() - start))
    return best


def main() -> dict:
    """Print the figures; returns them (verifications/s by name, ratios, agreement)."""
    cases = make_cases()
    totps = [(pyotp.TOTP(secret), now, code) for _, secret, now, code in cases]

    def ours() -> int:
        for _ in range(ROUNDS):
            for key, _, now, code in cases:
                verify(key, code, now=now, window=1)
        return ROUNDS * len(cases)

    def ours_with_b32decode() -> int:
        for _ in range(ROUNDS):
            for _, secret, now, code in cases:
                verify(b32decode(secret), code, now=now, window=1)
        return ROUNDS * len(cases)

    def pyotp_new_object() -> int:
        for _ in range(ROUNDS):
            for _, secret, now, code in cases:
                pyotp.TOTP(secret).verify(code, for_time=now, valid_window=1)
        return ROUNDS * len(cases)

    def pyotp_prebuilt() -> int:
        for _ in range(ROUNDS):
            for otp, now, code in totps:
                otp.verify(code, for_time=now, valid_window=1)
        return ROUNDS * len(cases)

    agree = sum(
        (verify(key, code, now=now) is not None)
        == pyotp.TOTP(secret).verify(code, for_time=now, valid_window=1)
        for key, secret, now, code in cases
    )
    accepted = sum(verify(key, code, now=now) is not None for key, _, now, code in cases)
    print(f"Python {sys.version.split()[0]}; {len(cases)} cases ({accepted} valid), window=1")
    print(f"results agree with pyotp on {agree}/{len(cases)} cases")

    rates = {
        "twostep verify(key bytes)": best_rate(ours),
        "twostep verify(b32decode(secret))": best_rate(ours_with_b32decode),
        "pyotp TOTP(secret).verify": best_rate(pyotp_new_object),
        "pyotp prebuilt TOTP.verify": best_rate(pyotp_prebuilt),
    }
    for name, rate in rates.items():
        print(f"{name:36s} {rate:>10,.0f} verifications/s  {1e6 / rate:6.2f} us each")
    ours_rate = rates["twostep verify(key bytes)"]
    ratios = {
        "ours / pyotp TOTP(secret).verify": ours_rate / rates["pyotp TOTP(secret).verify"],
        "ours incl. b32decode / pyotp TOTP(secret).verify": rates["twostep verify(b32decode(secret))"]
        / rates["pyotp TOTP(secret).verify"],
        "ours / pyotp prebuilt TOTP.verify": ours_rate / rates["pyotp prebuilt TOTP.verify"],
    }
    for name, ratio in ratios.items():
        print(f"ratio {name:50s} {ratio:.2f}")
    return {"cases": len(cases), "agree": agree, "per_second": rates, "ratios": ratios,
            "ratio": ratios["ours / pyotp TOTP(secret).verify"]}


if __name__ == "__main__":
    main()
