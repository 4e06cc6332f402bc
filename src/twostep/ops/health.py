"""Health endpoints for load balancers and orchestrators (served by ``OpsEndpointsMiddleware``).

- ``/healthz``: the process answers; touches neither the database nor the cache. 200 ``ok``.
- ``/readyz``: the database answers ``SELECT 1`` and the cache round-trips a value. 200 when both do,
  else 503; the body names each part with ``ok`` or ``unavailable``. Error details stay out of the answer
  (they can carry host and user names); the log gets the exception's class name.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse

logger = logging.getLogger("twostep.ops.health")


def healthz(request) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def readyz(request) -> HttpResponse:
    parts = {"database": _database_ok(), "cache": _cache_ok()}
    body = "".join(f"{name}: {'ok' if ok else 'unavailable'}\n" for name, ok in parts.items())
    return HttpResponse(body, content_type="text/plain; charset=utf-8", status=200 if all(parts.values()) else 503)


def _database_ok() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception as exc:
        logger.warning("readiness: database unavailable (%s)", type(exc).__name__)
        return False


def cache_keeps_a_value(purpose: str) -> bool:
    """Write, read back and delete a random value under ``<purpose>:<random>``; True when it came back.
    Errors of the cache's client (e.g. Redis down) propagate to the caller."""
    key, value = f"{purpose}:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    kept = cache.get(key) == value
    cache.delete(key)
    return kept


def _cache_ok() -> bool:
    try:
        return cache_keeps_a_value("readyz")
    except Exception as exc:
        logger.warning("readiness: cache unavailable (%s)", type(exc).__name__)
        return False
