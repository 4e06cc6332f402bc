"""hotp() argument checks; keys: generate_secret, Base32, group."""

from __future__ import annotations

import pytest

from twostep.otp import b32decode, b32encode, generate_secret, group, hotp

KEY = b"12345678901234567890"


def test_hotp_largest_counter() -> None:
    # Values from oathtool 2.6.7: oathtool [-d 8] -c 18446744073709551615 <hex key>
    assert hotp(KEY, 2**64 - 1) == "094451"
    assert hotp(KEY, 2**64 - 1, digits=8) == "63094451"


def test_hotp_seven_digits_and_bytearray_key() -> None:
    assert hotp(KEY, 0, digits=7) == "4755224"  # Appendix D truncated value 1284755224
    assert hotp(bytearray(KEY), 0) == "755224"


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((b"", 0), {}, ValueError, "key must not be empty"),
        ((KEY, -1), {}, ValueError, "counter"),
        ((KEY, 2**64), {}, ValueError, "counter"),
        ((KEY, 0), {"digits": 5}, ValueError, "digits"),
        ((KEY, 0), {"digits": 9}, ValueError, "digits"),
        ((KEY, 0), {"algorithm": "md5"}, ValueError, "unsupported algorithm"),
        ((KEY, 0), {"algorithm": "SHA1"}, ValueError, "unsupported algorithm"),
        ((KEY.decode(), 0), {}, TypeError, "key must be bytes"),
        ((KEY, "0"), {}, TypeError, "counter must be an int"),
        ((KEY, True), {}, TypeError, "counter must be an int"),
        ((KEY, 0), {"digits": 6.0}, TypeError, "digits must be an int"),
    ],
)
def test_hotp_errors(args: tuple, kwargs: dict, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        hotp(*args, **kwargs)


def test_generate_secret() -> None:
    assert len(generate_secret()) == 20
    assert len(generate_secret(16)) == 16
    assert len(generate_secret(64)) == 64
    assert generate_secret() != generate_secret()  # 2**-160 chance of a false failure
    with pytest.raises(ValueError, match="at least 16 bytes"):
        generate_secret(15)
    with pytest.raises(TypeError):
        generate_secret(20.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"", ""),
        (b"a", "ME"),
        (b"Hello!\xde\xad\xbe\xef", "JBSWY3DPEHPK3PXP"),
        (KEY, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
        (b"\x00\x01\x02", "AAAQE"),
    ],
)
def test_b32_known_values(raw: bytes, text: str) -> None:
    assert b32encode(raw) == text
    assert b32decode(text) == raw


@pytest.mark.parametrize(
    "text",
    [
        "jbswy3dpehpk3pxp",
        "JBSW Y3DP EHPK 3PXP",
        "jbsw y3dp ehpk 3pxp",
        " JBSWY3DPEHPK3PXP ",
        "JBSWY3DPEHPK3PXP=",
    ],
)
def test_b32decode_is_lenient_about_case_spaces_and_padding(text: str) -> None:
    assert b32decode(text) == b"Hello!\xde\xad\xbe\xef"


def test_b32decode_padding() -> None:
    assert b32decode("ME======") == b32decode("ME") == b"a"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("JBSW1Y3DP", "character at position 4"),
        ("JBSW0", "character at position 4"),
        ("JBSW8", "character at position 4"),
        ("JBſW", "character at position 2"),  # U+017F upper-cases to ASCII "S"
        ("ＪBSW", "character at position 0"),
        ("JB-SW", "character at position 2"),
        ("JB=SW", "character at position 2"),
        ("JBSW\tY3DP", "character at position 4"),
        ("JBSW Y3D1", "character at position 8"),  # position in the text as typed
        ("JBSW Y=3D ", "character at position 6"),
        ("M", "length"),
        ("MEA", "length"),
        ("MEAAAA", "length"),
    ],
)
def test_b32decode_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        b32decode(text)
    assert "JBSW" not in str(info.value)  # never echo (part of) a secret


def test_b32_type_errors() -> None:
    with pytest.raises(TypeError):
        b32encode("JBSW")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        b32decode(b"JBSW")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "size", "expected"),
    [
        ("JBSWY3DPEHPK3PXP", 4, "JBSW Y3DP EHPK 3PXP"),
        ("ABCDEFGHIJ", 4, "ABCD EFGH IJ"),
        ("ABCDEFGHIJ", 5, "ABCDE FGHIJ"),
        ("ABC", 4, "ABC"),
        ("", 4, ""),
    ],
)
def test_group(text: str, size: int, expected: str) -> None:
    assert group(text, size) == expected


def test_group_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        group("ABCD", 0)
