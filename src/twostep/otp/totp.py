"""TOTP: time-based one-time passwords (RFC 6238) and user-code verification."""

from __future__ import annotations

import hmac
import re

from .hotp import MAX_COUNTER, check_digits, check_params, code_from_mac, new_mac, require_int

MAX_WINDOW = 10
MAX_SPAN = 4 * MAX_WINDOW  # steps a search may span beyond its first (hi - lo)
MAX_CODE_INPUT = 64  # longer input is refused before any processing (cheap DoS guard)
_ASCII_DIGITS = re.compile(r"[0-9]+")  # [0-9] is ASCII-only, unlike \d or str.isdigit()


class InvalidCodeFormat(ValueError):
    """The user-typed code is malformed (as opposed to well-formed but wrong)."""


def time_step(now: int, *, period: int = 30, t0: int = 0) -> int:
    """Return the RFC 6238 §4.2 time step T = floor((now - t0) / period).

    ``now`` and ``t0`` are Unix seconds (int), ``period`` is the step length in
    seconds (X in the RFC, >= 1). With the defaults, now=59 -> 1 and now=60 -> 2.
    Raises ValueError when period < 1 or now < t0 (no step exists before T0);
    TypeError for non-int arguments.
    """
    for name, value in (("now", now), ("period", period), ("t0", t0)):
        require_int(name, value)
    if period < 1:
        raise ValueError(f"period must be at least 1 second, got {period}")
    if now < t0:
        raise ValueError("now must not be earlier than t0")
    return (now - t0) // period


def totp(
    key: bytes, *, now: int, period: int = 30, digits: int = 6, algorithm: str = "sha1", t0: int = 0
) -> str:
    """Compute the TOTP value at Unix time ``now`` (RFC 6238 §4.2).

    It is HOTP (RFC 4226 §5.3) with counter ``time_step(now, period=period, t0=t0)``.
    Returns exactly ``digits`` ASCII digits. Raises ValueError/TypeError as
    ``time_step`` and ``hotp`` do (empty key, digits outside 6..8, unknown
    algorithm, now < t0, step beyond 2**64-1).
    """
    check_params(key, digits, algorithm)
    step = time_step(now, period=period, t0=t0)
    if step > MAX_COUNTER:
        raise ValueError("time step exceeds 2**64-1")
    return code_from_mac(new_mac(key, algorithm), step, digits)


def normalize_code(code: str, *, digits: int = 6) -> str:
    """Return the user-typed ``code`` as exactly ``digits`` ASCII digits.

    ASCII spaces and dashes are removed wherever they appear ("123 456",
    "123-456" -> "123456"); leading zeros are kept. Raises InvalidCodeFormat
    (a ValueError) for input longer than 64 characters, any other character
    (letters, "+", NUL, tabs, non-ASCII digits such as "١٢٣٤٥٦" or "１２３４５６")
    or the wrong number of digits. Messages never echo the input, which may be
    a valid code. Raises TypeError if ``code`` is not a str and ValueError for
    digits outside 6..8.
    """
    if not isinstance(code, str):
        raise TypeError(f"code must be a str, not {type(code).__name__}")
    check_digits(digits)
    if len(code) > MAX_CODE_INPUT:
        raise InvalidCodeFormat(f"code is too long (more than {MAX_CODE_INPUT} characters)")
    cleaned = code.replace(" ", "").replace("-", "")
    if cleaned and not _ASCII_DIGITS.fullmatch(cleaned):
        raise InvalidCodeFormat("code may contain only the digits 0-9, spaces and dashes")
    if len(cleaned) != digits:
        raise InvalidCodeFormat(f"code must have exactly {digits} digits, got {len(cleaned)}")
    return cleaned


def matching_steps(
    key: bytes,
    code: str,
    *,
    now: int,
    lo: int,
    hi: int,
    period: int = 30,
    digits: int = 6,
    algorithm: str = "sha1",
    t0: int = 0,
) -> list[int]:
    """Every time step from T+lo to T+hi (T = time_step(now); ``lo`` and ``hi`` in steps, lo <= hi) whose
    code is the user-typed ``code``, in ascending order.

    Steps below 0 and above 2**64-1 are skipped. Every step in the range is computed and compared with
    ``hmac.compare_digest``, matched or not, so the time taken does not depend on which step matched.
    Raises InvalidCodeFormat (from ``normalize_code``) for a malformed code; ValueError when lo > hi, when
    the range holds more than 41 steps (``MAX_SPAN`` + 1) and for the parameter errors of ``totp``;
    TypeError for bad types.
    """
    check_params(key, digits, algorithm)
    require_int("lo", lo)
    require_int("hi", hi)
    if lo > hi:
        raise ValueError(f"lo must not be greater than hi, got {lo} > {hi}")
    if hi - lo > MAX_SPAN:
        raise ValueError(f"at most {MAX_SPAN + 1} steps are searched, got {hi - lo + 1}")
    current = time_step(now, period=period, t0=t0)
    candidate = normalize_code(code, digits=digits)
    base = new_mac(key, algorithm)
    matched = []
    for step in range(max(current + lo, 0), min(current + hi, MAX_COUNTER) + 1):
        if hmac.compare_digest(code_from_mac(base, step, digits), candidate):
            matched.append(step)  # no break: every call does the same work
    return matched


def find_step(
    key: bytes,
    code: str,
    *,
    now: int,
    lo: int,
    hi: int,
    period: int = 30,
    digits: int = 6,
    algorithm: str = "sha1",
    t0: int = 0,
) -> int | None:
    """The time step from T+lo to T+hi (T = time_step(now), offsets in steps) whose code is ``code``, or None.

    E.g. lo=-1, hi=0 accepts the code the app shows now and the one before it; lo=hi=0 only the current
    one. If several steps match (a 10**-digits coincidence) the largest is returned: storing it as the
    last used step retires every earlier one too. Same work whatever matches, and the same errors, as
    ``matching_steps``.
    """
    matched = matching_steps(key, code, now=now, lo=lo, hi=hi, period=period, digits=digits,
                             algorithm=algorithm, t0=t0)
    return matched[-1] if matched else None


def verify(
    key: bytes,
    code: str,
    *,
    now: int,
    window: int = 1,
    period: int = 30,
    digits: int = 6,
    algorithm: str = "sha1",
    t0: int = 0,
    last_used_step: int | None = None,
) -> int | None:
    """Check a user-typed TOTP ``code`` at Unix time ``now`` (RFC 6238 §5.2).

    Accepts steps T-window..T+window around T = time_step(now) (window 0..10;
    RFC 6238 §5.2 recommends at most one step of network delay), excluding
    steps below 0 and steps <= ``last_used_step``, so a code can be used only
    once (RFC 6238 §5.2, replay). Returns the matched time step, to be stored
    as the next ``last_used_step``, or None when nothing matches.

    Every candidate is computed and compared with ``hmac.compare_digest``; the
    loop never stops early, so timing does not reveal which step matched. If
    several steps match (a 10**-digits coincidence), the largest is returned:
    storing it as ``last_used_step`` retires every earlier step too.

    Raises InvalidCodeFormat (from ``normalize_code``) for a malformed code, so
    callers can tell "malformed" from "wrong"; ValueError for window outside
    0..10 and for the parameter errors of ``totp``; TypeError for bad types.
    """
    check_params(key, digits, algorithm)
    require_int("window", window)
    if not 0 <= window <= MAX_WINDOW:
        raise ValueError(f"window must be between 0 and {MAX_WINDOW}, got {window}")
    if last_used_step is not None:
        require_int("last_used_step", last_used_step)
    matched = matching_steps(key, code, now=now, lo=-window, hi=window, period=period, digits=digits,
                             algorithm=algorithm, t0=t0)
    fresh = [step for step in matched if last_used_step is None or step > last_used_step]
    return fresh[-1] if fresh else None
