"""Deployment checks (``twostep check --deploy``; ``twostep check`` adds --deploy in production).

They ask what the production topology needs: nothing per-user in one process's memory.
"""

from django.conf import settings
from django.core.checks import Error, Warning, register

POSTGRESQL = "django.db.backends.postgresql"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


@register("twostep", deploy=True)
def check_production_services(app_configs, **kwargs) -> list:
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != POSTGRESQL:
        problems.append(Error("The database is not PostgreSQL.", hint="Set DATABASE_URL=postgresql://...",
                              id="twostep.E101"))
    if settings.CACHES["default"]["BACKEND"] != REDIS_CACHE:
        problems.append(Error("The cache is not Redis: throttling counters would live in each process's memory "
                              "and not count across app servers.", hint="Set REDIS_URL=redis://...",
                              id="twostep.E102"))
    if not settings.TWOSTEP_TASKS_ASYNC:
        problems.append(Warning("Tasks run inside the request (TWOSTEP_TASKS_ASYNC is off): bulk e-mail "
                                "would hold a web worker.", hint="Set REDIS_URL and run `twostep rqworker`.",
                                id="twostep.W103"))
    if not settings.TWOSTEP_METRICS_TOKEN:
        problems.append(Warning("TWOSTEP_METRICS_TOKEN is not set: /metrics is off in the production profile "
                                "(and open to anyone in the demo).", id="twostep.W104"))
    return problems
