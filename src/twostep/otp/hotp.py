"""HOTP: HMAC-based one-time passwords (RFC 4226)."""

from __future__ import annotations

import hmac
import struct
from typing import Any

ALGORITHMS: frozenset[str] = frozenset({"sha1", "sha256", "sha512"})
MIN_DIGITS, MAX_DIGITS = 6, 8
MAX_COUNTER = 2**64 - 1  # the counter is an 8-byte big-endian integer (RFC 4226 §5.1)

_COUNTER = struct.Struct(">Q")
_WORD = struct.Struct(">I")


def check_params(key: bytes, digits: int, algorithm: str) -> None:
    """Validate the parameters shared by HOTP and TOTP.

    Raises TypeError when ``key`` is not bytes or ``digits`` not an int, and
    ValueError when ``key`` is empty, ``digits`` is outside 6..8 (RFC 4226 §5.3
    requires at least 6) or ``algorithm`` is not "sha1", "sha256" or "sha512".
    """
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"key must be bytes, not {type(key).__name__}")
    if not key:
        raise ValueError("key must not be empty")
    check_digits(digits)
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unsupported algorithm {algorithm!r}; expected one of {sorted(ALGORITHMS)}")


def check_digits(digits: int) -> None:
    """Raise TypeError/ValueError unless ``digits`` is an int in 6..8."""
    require_int("digits", digits)
    if not MIN_DIGITS <= digits <= MAX_DIGITS:
        raise ValueError(f"digits must be between {MIN_DIGITS} and {MAX_DIGITS}, got {digits}")


def require_int(name: str, value: Any) -> None:
    """Raise TypeError unless ``value`` is an int (bool is refused: it is a bug, not a number)."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")


def new_mac(key: bytes, algorithm: str) -> Any:
    """Return an HMAC object keyed with ``key``; callers ``.copy()`` it per counter.

    Keying once and copying is markedly faster than ``hmac.new`` per counter,
    which matters because ``verify`` computes several codes per call.
    """
    return hmac.new(key, digestmod=algorithm)


def code_from_mac(base: Any, counter: int, digits: int) -> str:
    """HOTP value for an unchecked ``counter`` using a pre-keyed HMAC ``base``.

    RFC 4226 §5.3: HMAC over the 8-byte counter, then dynamic truncation: the
    low nibble of the last byte selects a 4-byte window whose top bit is masked
    off (avoids signed/unsigned ambiguity), reduced modulo 10**digits.
    """
    mac = base.copy()
    mac.update(_COUNTER.pack(counter))
    digest = mac.digest()
    offset = digest[-1] & 0x0F
    value = (_WORD.unpack_from(digest, offset)[0] & 0x7FFFFFFF) % 10**digits
    return str(value).zfill(digits)


def hotp(key: bytes, counter: int, *, digits: int = 6, algorithm: str = "sha1") -> str:
    """Compute an HOTP value (RFC 4226 §5.3).

    ``key``: shared secret, non-empty bytes. ``counter``: moving factor, int in
    0..2**64-1. ``digits``: 6..8. ``algorithm``: "sha1" (RFC 4226), "sha256" or
    "sha512" (RFC 6238 §1.2). Returns exactly ``digits`` ASCII digits,
    zero-padded (e.g. "000123"). Raises ValueError for an empty key, an
    out-of-range counter or digits, or an unknown algorithm; TypeError for
    wrongly typed arguments.
    """
    check_params(key, digits, algorithm)
    require_int("counter", counter)
    if not 0 <= counter <= MAX_COUNTER:
        raise ValueError(f"counter must be between 0 and 2**64-1, got {counter}")
    return code_from_mac(new_mac(key, algorithm), counter, digits)
