"""Google Authenticator key URIs: otpauth://TYPE/LABEL?PARAMETERS.

Format: https://github.com/google/google-authenticator/wiki/Key-Uri-Format
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from .hotp import MAX_COUNTER, check_params, require_int
from .keys import b32decode, b32encode

_NUMBER = re.compile(r"[0-9]{1,20}")  # ASCII-only; bounded so int() stays cheap


@dataclass(frozen=True)
class OtpauthURI:
    """A parsed key URI. ``algorithm`` is lower case ("sha1"); ``issuer`` is
    None when the URI names none; ``period`` is None for hotp and ``counter``
    None for totp. ``key`` is kept out of repr() so it does not reach logs."""

    type: str
    key: bytes = field(repr=False)
    account: str
    issuer: str | None
    algorithm: str = "sha1"
    digits: int = 6
    period: int | None = 30
    counter: int | None = None


def build_uri(
    key: bytes, *, account: str, issuer: str, algorithm: str = "sha1", digits: int = 6, period: int = 30
) -> str:
    """Return the ``otpauth://totp/...`` key URI that authenticator apps import.

    Label "Issuer:account" with both parts percent-encoded (RFC 3986, UTF-8,
    nothing kept safe), then secret (unpadded Base32), issuer, algorithm
    (upper case), digits and period (seconds). Raises ValueError for an empty
    account or issuer, a ":" in either (the label separator), an empty key,
    digits outside 6..8, an unknown algorithm or a period < 1.
    """
    check_params(key, digits, algorithm)
    require_int("period", period)
    if period < 1:
        raise ValueError(f"period must be at least 1 second, got {period}")
    for name, value in (("account", account), ("issuer", issuer)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
        if not value:
            raise ValueError(f"{name} must not be empty")
        if ":" in value:
            raise ValueError(f"{name} must not contain ':' (it separates issuer and account)")
    enc_issuer = quote(issuer, safe="")
    return (
        f"otpauth://totp/{enc_issuer}:{quote(account, safe='')}"
        f"?secret={b32encode(key)}&issuer={enc_issuer}"
        f"&algorithm={algorithm.upper()}&digits={digits}&period={period}"
    )


def parse_uri(uri: str) -> OtpauthURI:
    """Parse an ``otpauth://totp/...`` or ``otpauth://hotp/...`` key URI.

    The label is "Issuer:account" or "account" (the ":" may be literal or
    %3A); it is not trimmed. Parameters: secret (required, Base32),
    issuer (must equal the label prefix when both are given), algorithm
    (SHA1/SHA256/SHA512, default SHA1), digits (6..8, default 6), period
    (totp only, >= 1, default 30), counter (hotp only, required). Unknown
    parameters (e.g. "image") are ignored. Raises ValueError with a message
    naming the problem for anything else: wrong scheme or type, duplicate
    parameters, bad encodings, missing secret or account, and so on.
    """
    if not isinstance(uri, str):
        raise TypeError(f"uri must be a str, not {type(uri).__name__}")
    parts = urlsplit(uri)
    if parts.scheme != "otpauth":
        raise ValueError("not an otpauth:// URI")
    otp_type = parts.netloc
    if otp_type not in ("totp", "hotp"):
        raise ValueError("URI type must be 'totp' or 'hotp'")
    if parts.fragment:
        raise ValueError("URI must not have a fragment")
    issuer, account = _parse_label(parts.path)
    params = _parse_query(parts.query)

    param_issuer = params.get("issuer")
    if param_issuer == "":
        raise ValueError("issuer parameter must not be empty")
    if issuer is not None and param_issuer is not None and issuer != param_issuer:
        raise ValueError("issuer parameter does not match the label prefix")
    if "secret" not in params:
        raise ValueError("missing secret parameter")
    key = b32decode(params["secret"])
    if not key:
        raise ValueError("secret must not be empty")
    algorithm = params.get("algorithm", "SHA1").lower()
    digits = _number(params, "digits", 6)
    check_params(key, digits, algorithm)
    period, counter = _period_and_counter(otp_type, params)
    return OtpauthURI(otp_type, key, account, issuer or param_issuer, algorithm, digits, period, counter)


def _period_and_counter(otp_type: str, params: dict[str, str]) -> tuple[int | None, int | None]:
    """(period, None) for totp, (None, counter) for hotp; the other parameter is refused."""
    if otp_type == "totp":
        if "counter" in params:
            raise ValueError("counter is only valid for hotp URIs")
        period = _number(params, "period", 30)
        if period < 1:
            raise ValueError("period must be at least 1 second")
        return period, None
    if "period" in params:
        raise ValueError("period is only valid for totp URIs")
    if "counter" not in params:
        raise ValueError("hotp URIs require a counter parameter")
    counter = _number(params, "counter", 0)
    if counter > MAX_COUNTER:
        raise ValueError("counter must not exceed 2**64-1")
    return None, counter


def _parse_label(path: str) -> tuple[str | None, str]:
    """Split "/Issuer:account" into (issuer or None, account), percent-decoded."""
    label = _decode(path.removeprefix("/"), "label")
    issuer, sep, account = label.rpartition(":")
    if ":" in issuer:
        raise ValueError("label must contain at most one ':'")
    if not account:
        raise ValueError("label has no account name")
    if sep and not issuer:
        raise ValueError("label has an empty issuer before ':'")
    return (issuer if sep else None), account


def _parse_query(query: str) -> dict[str, str]:
    """Decode "a=1&b=2" strictly: "+" stays literal (RFC 3986), no duplicates."""
    params: dict[str, str] = {}
    for pair in filter(None, query.split("&")):
        name, sep, value = pair.partition("=")
        name = _decode(name, "parameter name").lower()
        if not sep:
            raise ValueError(f"parameter {name!r} has no value")
        if name in params:
            raise ValueError(f"duplicate parameter {name!r}")
        params[name] = _decode(value, f"parameter {name!r}")
    return params


def _decode(text: str, what: str) -> str:
    """Percent-decode UTF-8 ``text``; ValueError naming ``what`` on bad bytes."""
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{what} is not valid percent-encoded UTF-8") from exc


def _number(params: dict[str, str], name: str, default: int) -> int:
    """Read a non-negative ASCII decimal parameter, or ``default`` when absent."""
    if name not in params:
        return default
    if not _NUMBER.fullmatch(params[name]):
        raise ValueError(f"{name} must be a decimal number")
    return int(params[name])
