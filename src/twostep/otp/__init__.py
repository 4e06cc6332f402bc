"""Pure TOTP/HOTP core (RFC 4226, RFC 6238, Google Authenticator key URIs).

Standard library only: this package must never import Django, so it can be
tested and reasoned about in isolation (enforced by tests/otp/test_boundary.py).
"""

from . import drift
from .hotp import hotp
from .keys import b32decode, b32encode, generate_secret, group
from .totp import InvalidCodeFormat, find_step, matching_steps, normalize_code, time_step, totp, verify
from .uri import OtpauthURI, build_uri, parse_uri

__all__ = [
    "InvalidCodeFormat",
    "OtpauthURI",
    "b32decode",
    "b32encode",
    "build_uri",
    "drift",
    "find_step",
    "generate_secret",
    "group",
    "hotp",
    "matching_steps",
    "normalize_code",
    "parse_uri",
    "time_step",
    "totp",
    "verify",
]
