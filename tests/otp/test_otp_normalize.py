"""normalize_code(): what users may type, and everything that is refused."""

from __future__ import annotations

import pytest

from twostep.otp import InvalidCodeFormat, normalize_code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("123456", "123456"),
        ("123 456", "123456"),
        ("123-456", "123456"),
        (" 123456 ", "123456"),
        ("12 34 56", "123456"),
        ("1-2 3-4 5-6", "123456"),
        ("000123", "000123"),
        ("000000", "000000"),
        (" " * 58 + "123456", "123456"),  # exactly 64 characters: still processed
    ],
)
def test_accepted(typed: str, expected: str) -> None:
    assert normalize_code(typed) == expected


def test_other_lengths() -> None:
    assert normalize_code("0123 4567", digits=8) == "01234567"
    assert normalize_code("012 3456", digits=7) == "0123456"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="only-spaces"),
        pytest.param("12345", id="5-digits"),
        pytest.param("1234567", id="7-digits"),
        pytest.param("١٢٣٤٥٦", id="arabic-indic"),
        pytest.param("۱۲۳۴۵۶", id="extended-arabic-indic"),
        pytest.param("１２３４５６", id="full-width"),
        pytest.param("１23456", id="one-full-width"),
        pytest.param("12345²", id="superscript"),
        pytest.param("123\x00456", id="nul-inside"),
        pytest.param("123456\x00", id="nul-after"),
        pytest.param("+12345", id="plus-5"),
        pytest.param("+123456", id="plus-6"),
        pytest.param("12345.6", id="dot"),
        pytest.param("123\t456", id="tab"),
        pytest.param("123456\n", id="newline"),
        pytest.param("123\u00a0456", id="nbsp"),
        pytest.param("123–456", id="en-dash"),
        pytest.param("12a456", id="letter"),
        pytest.param("abcdef", id="letters"),
        pytest.param("1" * 10_000, id="10k-digits"),
        pytest.param(" " * 59 + "123456", id="65-chars"),
    ],
)
def test_refused(typed: str) -> None:
    with pytest.raises(InvalidCodeFormat):
        normalize_code(typed)


def test_messages_are_clear_and_do_not_echo_the_input() -> None:
    with pytest.raises(InvalidCodeFormat, match="exactly 6 digits, got 5") as info:
        normalize_code("98765")
    assert "98765" not in str(info.value)
    with pytest.raises(InvalidCodeFormat, match="only the digits 0-9") as info:
        normalize_code("98765x")
    assert "98765" not in str(info.value)
    with pytest.raises(InvalidCodeFormat, match="too long"):
        normalize_code("9" * 65)


def test_invalid_code_format_is_a_value_error() -> None:
    assert issubclass(InvalidCodeFormat, ValueError)


def test_programming_errors_are_not_invalid_code_format() -> None:
    with pytest.raises(TypeError):
        normalize_code(123456)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        normalize_code(b"123456")  # type: ignore[arg-type]
    for digits in (5, 9):
        with pytest.raises(ValueError) as info:
            normalize_code("123456", digits=digits)
        assert not isinstance(info.value, InvalidCodeFormat)
