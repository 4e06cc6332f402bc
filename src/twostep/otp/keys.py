"""Shared-secret generation and the Base32 text form used by authenticator apps."""

from __future__ import annotations

import base64
import binascii
import re
import secrets

from .hotp import require_int

MIN_SECRET_BYTES = 16  # 128 bits: RFC 4226 §4 requirement R6 (160 bits recommended)
_B32_TEXT = re.compile("[A-Za-z2-7]*")  # explicit ASCII ranges: no look-alikes such as "ſ"
_BAD_B32_LENGTHS = frozenset({1, 3, 6})  # unpadded length mod 8 that no byte string produces


def generate_secret(nbytes: int = 20) -> bytes:
    """Return ``nbytes`` random bytes from the OS CSPRNG (``secrets``).

    The default, 20 bytes = 160 bits, is the length RFC 4226 §4 (R6)
    recommends and the HMAC-SHA1 output size. Raises ValueError when
    ``nbytes`` < 16 (128 bits, the RFC 4226 §4 R6 minimum); TypeError if not an int.
    """
    require_int("nbytes", nbytes)
    if nbytes < MIN_SECRET_BYTES:
        raise ValueError(f"secret must be at least {MIN_SECRET_BYTES} bytes (128 bits), got {nbytes}")
    return secrets.token_bytes(nbytes)


def b32encode(key: bytes) -> str:
    """Encode ``key`` as upper-case RFC 4648 Base32 without "=" padding.

    This is the ``secret`` form of the key URI format; e.g. b"Hello!\\xde\\xad\\xbe\\xef"
    -> "JBSWY3DPEHPK3PXP". Raises TypeError if ``key`` is not bytes.
    """
    if not isinstance(key, (bytes, bytearray)):
        raise TypeError(f"key must be bytes, not {type(key).__name__}")
    return base64.b32encode(key).decode("ascii").rstrip("=")


def b32decode(text: str) -> bytes:
    """Decode Base32 ``text`` as users and apps write it; inverse of ``b32encode``.

    Accepts lower case, ASCII spaces anywhere (as produced by ``group``) and
    missing or present trailing "=" padding. Raises ValueError, naming the
    position in ``text`` but never the secret itself, for any character outside A-Z/2-7
    (including non-ASCII look-alikes) or an impossible length.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    cleaned = text.replace(" ", "").rstrip("=")
    if not _B32_TEXT.fullmatch(cleaned):
        body = text[: len(text.rstrip(" ="))]  # same characters as cleaned, plus spaces
        position = next(i for i, char in enumerate(body) if char != " " and not _B32_TEXT.fullmatch(char))
        raise ValueError(f"invalid Base32 character at position {position} (allowed: A-Z, 2-7)")
    if len(cleaned) % 8 in _BAD_B32_LENGTHS:
        raise ValueError(f"invalid Base32 length ({len(cleaned)} characters without padding)")
    padded = cleaned.upper() + "=" * (-len(cleaned) % 8)
    try:
        return base64.b32decode(padded)
    except binascii.Error as exc:  # not expected after the checks above; keep the ValueError contract
        raise ValueError("invalid Base32 text") from exc


def group(text: str, size: int = 4) -> str:
    """Split ``text`` into space-separated chunks of ``size`` characters for display.

    E.g. group("JBSWY3DPEHPK3PXP") -> "JBSW Y3DP EHPK 3PXP"; the last chunk may
    be shorter. ``b32decode`` accepts the result. Raises ValueError when size < 1.
    """
    require_int("size", size)
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return " ".join(text[i : i + size] for i in range(0, len(text), size))
