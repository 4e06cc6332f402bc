"""Settings of the benchmark servers: the product's settings plus what a measurement needs.

- ``TWOSTEP_BENCH_FAST_HASHER=1`` swaps Argon2 for ``bench.hashers.DiagnosticSha256Hasher`` so the
  CPU a sign-in costs *besides* the hash can be measured. This module is the only place that may do it.
- ``TWOSTEP_BENCH_KEY_PREFIX`` keeps this run's Redis keys apart from everyone else's.
- Database connections live 10 minutes (production: 60 s), so the CPU time of the workers' PostgreSQL
  backends can be read from the same processes before and after a run.
"""

import os

from twostep.settings import *  # noqa: F403
from twostep.settings import CACHES, DATABASES, LOGGING

if os.environ.get("TWOSTEP_BENCH_FAST_HASHER") == "1":
    PASSWORD_HASHERS = ["bench.hashers.DiagnosticSha256Hasher"]

CACHES["default"]["KEY_PREFIX"] = os.environ.get("TWOSTEP_BENCH_KEY_PREFIX", "twostep-bench")
DATABASES["default"]["CONN_MAX_AGE"] = 600
LOGGING["root"]["level"] = "WARNING"

# What-if measurements only (see bench/README.md): e.g. "django.contrib.sessions.backends.cache".
SESSION_ENGINE = os.environ.get("TWOSTEP_BENCH_SESSION_ENGINE") or SESSION_ENGINE  # noqa: F405
