"""Cross-check against oathtool (OATH Toolkit), an independent C implementation."""

from __future__ import annotations

import os
import random
import shutil
import subprocess

import pytest

from twostep.otp import hotp, totp

OATHTOOL = shutil.which("oathtool")
CODES_PER_CALL = 3  # "-w 2" prints the codes for steps T, T+1, T+2


@pytest.fixture(scope="module")
def oathtool() -> str:
    if OATHTOOL is None:
        if os.environ.get("CI") == "true":
            pytest.fail("oathtool is required in CI (apt-get install oathtool)")
        pytest.skip("oathtool not installed")
    return OATHTOOL


def _run(args: list[str]) -> list[str]:
    result = subprocess.run(args, capture_output=True, text=True, check=True, timeout=10)
    return result.stdout.split()


def _totp_cases() -> list[tuple[bytes, int, int, int, str, int]]:
    rng = random.Random(4226_6238)
    cases = []
    for i in range(300):
        key = rng.randbytes(rng.choice([1, 10, 16, 20, 32, 64, rng.randint(1, 100)]))
        period = rng.choice([30, 30, 30, 60, rng.randint(1, 300)])
        t0 = rng.choice([0, 0, 0, rng.randint(0, 10**9)])
        step = rng.randint(0, 2**34)
        # Every third case sits on a step boundary (first or last second of a step).
        offset = (0, period - 1, rng.randrange(period))[i % 3]
        cases.append(
            (
                key,
                t0 + step * period + offset,
                period,
                t0,
                rng.choice(["sha1", "sha256", "sha512"]),
                rng.choice([6, 7, 8]),
            )
        )
    return cases


@pytest.mark.parametrize("chunk", range(3))
def test_totp_matches_oathtool(oathtool: str, chunk: int) -> None:
    for key, now, period, t0, algorithm, digits in _totp_cases()[chunk * 100 : (chunk + 1) * 100]:
        expected = _run(
            [
                oathtool,
                f"--totp={algorithm.upper()}",
                f"--digits={digits}",
                f"--time-step-size={period}s",
                f"--start-time=@{t0}",
                f"--now=@{now}",
                f"--window={CODES_PER_CALL - 1}",
                key.hex(),
            ]
        )
        ours = [
            totp(key, now=now + i * period, period=period, digits=digits, algorithm=algorithm, t0=t0)
            for i in range(CODES_PER_CALL)
        ]
        assert ours == expected, (key.hex(), now, period, t0, algorithm, digits)


def test_hotp_matches_oathtool(oathtool: str) -> None:
    rng = random.Random(4226)
    for _ in range(50):
        key = rng.randbytes(rng.randint(1, 64))
        counter = rng.choice([0, 2**64 - 1 - CODES_PER_CALL, rng.randint(0, 2**64 - 1 - CODES_PER_CALL)])
        digits = rng.choice([6, 7, 8])
        expected = _run(
            [
                oathtool,
                "--hotp",
                f"--digits={digits}",
                f"--counter={counter}",
                f"--window={CODES_PER_CALL - 1}",
                key.hex(),
            ]
        )
        assert [hotp(key, counter + i, digits=digits) for i in range(CODES_PER_CALL)] == expected, (
            key.hex(),
            counter,
            digits,
        )
