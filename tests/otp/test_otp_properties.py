"""Hypothesis property tests for the OTP core."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from twostep.otp import (
    InvalidCodeFormat,
    OtpauthURI,
    b32decode,
    b32encode,
    build_uri,
    group,
    hotp,
    normalize_code,
    parse_uri,
    time_step,
    totp,
    verify,
)

keys = st.binary(min_size=1, max_size=128)
algorithms = st.sampled_from(["sha1", "sha256", "sha512"])
digit_counts = st.integers(min_value=6, max_value=8)
label_parts = st.text(min_size=1).filter(lambda s: ":" not in s)  # default alphabet has no surrogates


@given(keys, st.integers(min_value=0, max_value=2**64 - 1), digit_counts, algorithms)
def test_hotp_returns_exactly_digits_ascii_digits(
    key: bytes, counter: int, digits: int, algorithm: str
) -> None:
    assert re.fullmatch(f"[0-9]{{{digits}}}", hotp(key, counter, digits=digits, algorithm=algorithm))


@given(st.binary(max_size=100))
def test_b32_round_trip(raw: bytes) -> None:
    text = b32encode(raw)
    assert re.fullmatch("[A-Z2-7]*", text)
    assert b32decode(text) == raw
    assert b32decode(group(text.lower())) == raw


@given(keys, label_parts, label_parts, algorithms, digit_counts, st.integers(min_value=1, max_value=10**6))
def test_uri_round_trip(
    key: bytes, account: str, issuer: str, algorithm: str, digits: int, period: int
) -> None:
    uri = build_uri(key, account=account, issuer=issuer, algorithm=algorithm, digits=digits, period=period)
    assert uri.isascii()
    assert parse_uri(uri) == OtpauthURI("totp", key, account, issuer, algorithm, digits, period, None)


@given(keys, st.integers(min_value=0, max_value=2**40), algorithms, digit_counts, st.integers(1, 300))
def test_verify_accepts_the_current_code(
    key: bytes, now: int, algorithm: str, digits: int, period: int
) -> None:
    options = {"period": period, "digits": digits, "algorithm": algorithm}
    code = totp(key, now=now, **options)
    step = time_step(now, period=period)
    assert verify(key, code, now=now, window=0, **options) == step
    # With window=1 the next step wins only if it happens to have the same code (largest match).
    expected = step + 1 if hotp(key, step + 1, digits=digits, algorithm=algorithm) == code else step
    assert verify(key, code, now=now, **options) == expected
    assert verify(key, code, now=now, last_used_step=expected, **options) is None


@given(
    st.lists(st.sampled_from("0123456789"), min_size=6, max_size=6),
    st.lists(st.sampled_from(["", " ", "-"]), min_size=7, max_size=7),
)
def test_normalize_strips_spaces_and_dashes(digits: list[str], separators: list[str]) -> None:
    typed = "".join(sep + d for sep, d in zip(separators, digits + [""]))
    assert normalize_code(typed) == "".join(digits)


@given(st.text(max_size=80))
def test_normalize_returns_ascii_digits_or_raises_invalid_code_format(text: str) -> None:
    try:
        code = normalize_code(text)
    except InvalidCodeFormat:
        return
    assert re.fullmatch("[0-9]{6}", code)
    assert code == text.replace(" ", "").replace("-", "")


@given(st.text(max_size=200))
def test_parse_uri_only_raises_value_error(text: str) -> None:
    for candidate in (text, "otpauth://totp/" + text, "otpauth://hotp/a:b?secret=ME&" + text):
        try:
            parse_uri(candidate)
        except ValueError:
            pass
