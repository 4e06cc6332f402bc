"""time_step() boundaries and verify(): window, replay guard, tie-break, errors."""

from __future__ import annotations

import hmac
import importlib

import pytest

from twostep.otp import InvalidCodeFormat, time_step, totp, verify

# importlib, not "import twostep.otp.totp as m": the package attribute "totp" is the function.
totp_module = importlib.import_module("twostep.otp.totp")

KEY = b"12345678901234567890"
# RFC 4226 Appendix D codes for counters 2..8 (all distinct), used as TOTP steps with period 30.
CODE = {2: "359152", 3: "969429", 4: "338314", 5: "254676", 6: "287922", 7: "162583", 8: "399871"}


@pytest.mark.parametrize(
    ("now", "step"),
    [(0, 0), (29, 0), (30, 1), (59, 1), (60, 2), (149, 4), (150, 5), (179, 5), (180, 6)],
)
def test_time_step_boundaries(now: int, step: int) -> None:
    assert time_step(now) == step


def test_time_step_period_and_t0() -> None:
    assert time_step(119, period=60) == 1
    assert time_step(120, period=60) == 2
    assert time_step(129, t0=100) == 0
    assert time_step(130, t0=100) == 1
    assert time_step(100, period=1, t0=100) == 0


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"now": 99, "t0": 100}, ValueError),
        ({"now": 60, "period": 0}, ValueError),
        ({"now": 60, "period": -30}, ValueError),
        ({"now": 60.0}, TypeError),
        ({"now": True}, TypeError),
    ],
)
def test_time_step_errors(kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        time_step(**kwargs)


def test_totp_uses_the_step_of_now() -> None:
    assert totp(KEY, now=150) == CODE[5]
    assert totp(KEY, now=179) == CODE[5]
    assert totp(KEY, now=180) == CODE[6]
    assert totp(KEY, now=100 + 5 * 60, period=60, t0=100) == CODE[5]


# Code of step 5 (valid 150..179) with window=1: accepted while the current step is 4, 5 or 6.
@pytest.mark.parametrize(
    ("now", "expected"),
    [(89, None), (90, None), (119, None), (120, 5), (150, 5), (179, 5), (209, 5), (210, None), (240, None)],
)
def test_window_one_exact_second_boundaries(now: int, expected: int | None) -> None:
    assert verify(KEY, CODE[5], now=now) == expected


@pytest.mark.parametrize(("now", "expected"), [(89, None), (90, 5), (239, 5), (240, None)])
def test_window_two_accepts_two_steps_each_side(now: int, expected: int | None) -> None:
    assert verify(KEY, CODE[5], now=now, window=2) == expected


@pytest.mark.parametrize(("now", "expected"), [(149, None), (150, 5), (179, 5), (180, None)])
def test_window_zero_accepts_only_the_current_step(now: int, expected: int | None) -> None:
    assert verify(KEY, CODE[5], now=now, window=0) == expected


def test_returns_the_matched_step_not_the_current_one() -> None:
    assert verify(KEY, CODE[4], now=150) == 4
    assert verify(KEY, CODE[6], now=150) == 6


def test_wrong_code_returns_none() -> None:
    assert verify(KEY, "000000", now=150) is None
    assert verify(KEY, CODE[5], now=150, algorithm="sha256") is None
    assert verify(b"another key of twenty", CODE[5], now=150) is None


def test_user_formatting_is_accepted() -> None:
    assert verify(KEY, "254 676", now=150) == 5
    assert verify(KEY, " 254-676 ", now=150) == 5


def test_replay_guard() -> None:
    assert verify(KEY, CODE[5], now=150, last_used_step=5) is None  # the same code again
    assert verify(KEY, CODE[5], now=150, last_used_step=6) is None  # an older code after a newer one
    assert verify(KEY, CODE[5], now=150, last_used_step=4) == 5
    assert verify(KEY, CODE[6], now=150, last_used_step=5) == 6  # next step's code still usable
    assert verify(KEY, CODE[5], now=150, last_used_step=-1) == 5


def test_no_negative_steps_near_t0() -> None:
    assert verify(KEY, "755224", now=0) == 0  # step 0; step -1 is not a candidate
    assert verify(KEY, "287082", now=0) == 1
    assert verify(KEY, "254676", now=0, window=10) == 5


def test_other_parameters() -> None:
    assert verify(KEY, "94287082", now=59, digits=8) == 1
    assert verify(KEY, CODE[5], now=100 + 5 * 60 + 59, period=60, t0=100) == 5


# hotp(KEY, 153567) == hotp(KEY, 153569) == "468457": both are candidates when the current
# step is 153568 (now = 153568 * 30). The documented tie-break returns the larger step.
def test_several_matches_return_the_largest_step() -> None:
    assert totp(KEY, now=153567 * 30) == totp(KEY, now=153569 * 30) == "468457"
    assert totp(KEY, now=153568 * 30) != "468457"
    assert verify(KEY, "468457", now=153568 * 30) == 153569
    assert verify(KEY, "468457", now=153568 * 30, last_used_step=153569) is None
    assert verify(KEY, "468457", now=153568 * 30, last_used_step=153568) == 153569
    assert verify(KEY, "468457", now=153568 * 30, window=0) is None


@pytest.mark.parametrize("code", [CODE[4], CODE[5], CODE[6], "000000"])
def test_every_candidate_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    real = hmac.compare_digest
    compared: list[str] = []

    def spy(a: str, b: str) -> bool:
        compared.append(a)
        return real(a, b)

    monkeypatch.setattr(totp_module.hmac, "compare_digest", spy)
    verify(KEY, code, now=150)
    # No early exit: all three candidates, in order, whichever one matched.
    assert compared == [CODE[4], CODE[5], CODE[6]]


def test_malformed_code_raises_invalid_code_format() -> None:
    for code in ("25467", "2546760", "abcdef", "", "٢٥٤٦٧٦"):
        with pytest.raises(InvalidCodeFormat):
            verify(KEY, code, now=150)
    with pytest.raises(InvalidCodeFormat):
        verify(KEY, "94287082", now=59)  # 8 digits where 6 are configured


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"window": -1}, ValueError),
        ({"window": 11}, ValueError),
        ({"digits": 5}, ValueError),
        ({"digits": 9}, ValueError),
        ({"algorithm": "md5"}, ValueError),
        ({"period": 0}, ValueError),
        ({"t0": 151}, ValueError),
        ({"window": 1.0}, TypeError),
        ({"last_used_step": "5"}, TypeError),
    ],
)
def test_parameter_errors(kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        verify(KEY, CODE[5], **{"now": 150, **kwargs})
    assert not isinstance(info.value, InvalidCodeFormat)


def test_configuration_errors_win_over_a_malformed_code() -> None:
    with pytest.raises(ValueError) as info:
        verify(KEY, "bad", now=150, window=11)
    assert not isinstance(info.value, InvalidCodeFormat)
    with pytest.raises(ValueError, match="key must not be empty"):
        verify(b"", "bad", now=150)


def test_window_ten_is_allowed() -> None:
    assert verify(KEY, "520489", now=0, window=10) == 9
