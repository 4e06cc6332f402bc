"""Published test vectors: RFC 4226 Appendix D and RFC 6238 Appendix B."""

from __future__ import annotations

import pytest

from twostep.otp import hotp, time_step, totp, verify

RFC4226_KEY = b"12345678901234567890"

# RFC 4226 Appendix D: (counter, "Truncated" decimal value, 6-digit HOTP).
RFC4226_VECTORS = [
    (0, 1284755224, "755224"),
    (1, 1094287082, "287082"),
    (2, 137359152, "359152"),
    (3, 1726969429, "969429"),
    (4, 1640338314, "338314"),
    (5, 868254676, "254676"),
    (6, 1918287922, "287922"),
    (7, 82162583, "162583"),
    (8, 673399871, "399871"),
    (9, 645520489, "520489"),
]

SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}

# RFC 6238 Appendix B: (time, T, {algorithm: 8-digit TOTP}).
RFC6238_VECTORS = [
    (59, 0x1, {"sha1": "94287082", "sha256": "46119246", "sha512": "90693936"}),
    (1111111109, 0x23523EC, {"sha1": "07081804", "sha256": "68084774", "sha512": "25091201"}),
    (1111111111, 0x23523ED, {"sha1": "14050471", "sha256": "67062674", "sha512": "99943326"}),
    (1234567890, 0x273EF07, {"sha1": "89005924", "sha256": "91819424", "sha512": "93441116"}),
    (2000000000, 0x3F940AA, {"sha1": "69279037", "sha256": "90698825", "sha512": "38618901"}),
    (20000000000, 0x27BC86AA, {"sha1": "65353130", "sha256": "77737706", "sha512": "47863826"}),
]

RFC6238_CASES = [
    pytest.param(now, step, algorithm, codes[algorithm], id=f"{algorithm}-{now}")
    for now, step, codes in RFC6238_VECTORS
    for algorithm in ("sha1", "sha256", "sha512")
]


@pytest.mark.parametrize(("counter", "truncated", "expected"), RFC4226_VECTORS)
def test_rfc4226_hotp(counter: int, truncated: int, expected: str) -> None:
    assert hotp(RFC4226_KEY, counter) == expected
    # 8 digits are the truncated value mod 10**8: checks the truncation, not just the last 6 digits.
    assert hotp(RFC4226_KEY, counter, digits=8) == f"{truncated % 10**8:08d}"


@pytest.mark.parametrize(("now", "step", "algorithm", "expected"), RFC6238_CASES)
def test_rfc6238_totp(now: int, step: int, algorithm: str, expected: str) -> None:
    seed = SEEDS[algorithm]
    assert time_step(now) == step
    assert totp(seed, now=now, digits=8, algorithm=algorithm) == expected
    assert hotp(seed, step, digits=8, algorithm=algorithm) == expected


@pytest.mark.parametrize(("now", "step", "algorithm", "expected"), RFC6238_CASES)
def test_rfc6238_vectors_verify(now: int, step: int, algorithm: str, expected: str) -> None:
    seed = SEEDS[algorithm]
    assert verify(seed, expected, now=now, digits=8, algorithm=algorithm) == step
    assert verify(seed, expected, now=now, digits=8, algorithm=algorithm, last_used_step=step) is None
