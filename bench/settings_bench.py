"""Settings of the benchmark servers: the product's settings plus what a measurement needs.

- ``TWOSTEP_BENCH_FAST_HASHER=1`` swaps Argon2 for ``bench.hashers.DiagnosticSha256Hasher`` so the
  CPU a sign-in costs *besides* the hash can be measured. This module is the only place that may do it. The
  production profile refuses any hasher but Argon2 at start-up, so such a server runs the demo profile
  (``bench.runenv`` sets it) and this module restates what the production profile changes in the handling of a
  request: Secure cookies, the HTTPS redirect behind the proxy header, HSTS and the hashed static files (JSON
  logs come from ``TWOSTEP_LOG_FORMAT``).
- Database connections live 10 minutes (production: 60 s), so the CPU time of the workers' PostgreSQL
  backends can be read from the same processes before and after a run.
- ``TWOSTEP_BENCH_HASH_TIMES=<folder>`` records the CPU time of the password hasher in each worker
  (``bench.hash_timing``: the product's class with its ``verify`` and ``encode`` timed, nothing else changed).
- ``TWOSTEP_BENCH_SESSION_ENGINE`` (what-if runs only, see bench/README.md) replaces the session engine.

Everything else, logging and metrics included, is the profile as the environment sets it.
"""

import os

from twostep.settings import *  # noqa: F403
from twostep.settings import DATABASES, PASSWORD_HASHERS, PRODUCTION, SESSION_ENGINE, STORAGES

if os.environ.get("TWOSTEP_BENCH_FAST_HASHER") == "1":
    PASSWORD_HASHERS = ["bench.hashers.DiagnosticSha256Hasher"]
    if not PRODUCTION:  # as twostep.settings sets them in the production profile
        SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = True
        SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
        SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
        WHITENOISE_USE_FINDERS = False

if os.environ.get("TWOSTEP_BENCH_HASH_TIMES"):  # the product's hasher, its CPU time recorded per worker
    from bench import hash_timing

    hash_timing.install(PASSWORD_HASHERS[0], os.environ["TWOSTEP_BENCH_HASH_TIMES"])

DATABASES["default"]["CONN_MAX_AGE"] = 600
SESSION_ENGINE = os.environ.get("TWOSTEP_BENCH_SESSION_ENGINE") or SESSION_ENGINE
