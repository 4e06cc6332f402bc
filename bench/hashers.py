"""A deliberately fast password hasher for measuring everything *but* the hash.

One salted SHA-256: no work factor, so it must never protect a real password. Only
``bench/settings_bench.py`` (with ``TWOSTEP_BENCH_FAST_HASHER=1``) and the benchmark's peer app enable
it; ``tests/test_bench_guard.py`` checks that the product's settings and code never name it.
"""

import hashlib

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare

ALGORITHM = "bench_sha256_diagnostic"


class DiagnosticSha256Hasher(BasePasswordHasher):
    """``bench_sha256_diagnostic$<salt>$<hex sha256(salt + password)>`` (benchmarks only)."""

    algorithm = ALGORITHM

    def encode(self, password: str, salt: str) -> str:
        self._check_encode_args(password, salt)
        digest = hashlib.sha256((salt + password).encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {"algorithm": decoded["algorithm"], "salt": mask_hash(decoded["salt"]),
                "hash": mask_hash(decoded["hash"])}

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
