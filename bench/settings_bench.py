"""Settings of the benchmark servers: the product's settings plus what a measurement needs.

- ``TWOSTEP_BENCH_FAST_HASHER=1`` swaps Argon2 for ``bench.hashers.DiagnosticSha256Hasher`` so the
  CPU a sign-in costs *besides* the hash can be measured. This module is the only place that may do it.
- Database connections live 10 minutes (production: 60 s), so the CPU time of the workers' PostgreSQL
  backends can be read from the same processes before and after a run.
- ``TWOSTEP_BENCH_SESSION_ENGINE`` (what-if runs only, see bench/README.md) replaces the session engine.

Everything else, logging and metrics included, is the production profile as the environment sets it.
"""

import os

from twostep.settings import *  # noqa: F403
from twostep.settings import DATABASES, SESSION_ENGINE

if os.environ.get("TWOSTEP_BENCH_FAST_HASHER") == "1":
    PASSWORD_HASHERS = ["bench.hashers.DiagnosticSha256Hasher"]

DATABASES["default"]["CONN_MAX_AGE"] = 600
SESSION_ENGINE = os.environ.get("TWOSTEP_BENCH_SESSION_ENGINE") or SESSION_ENGINE
