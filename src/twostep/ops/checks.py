"""Deployment checks (``twostep check --deploy``; ``twostep check`` adds --deploy in production).

They ask what the production topology needs: nothing per-user in one process's memory. The checks of the
running services (``check_services``) are tagged ``database`` like Django's own: they run only with
``--database default``, so ``check`` without it (and every other command) works with the services down.
"""


from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from twostep.conf import app_settings as twostep_settings
from twostep.mfa.authenticators import vault
from twostep.mfa.models import Authenticator
from twostep.ops.conf import app_settings
from twostep.ops.health import cache_keeps_a_value

POSTGRESQL = "django.db.backends.postgresql"
REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
KEY_SAMPLE = 20  # stored authenticators (the newest) opened by the key check


@register("twostep", deploy=True)
def check_production_services(app_configs, **kwargs) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.DATABASES["default"]["ENGINE"] != POSTGRESQL:
        problems.append(Error("The database is not PostgreSQL.", hint="Set DATABASE_URL=postgresql://...",
                              id="twostep.E101"))
    if settings.CACHES["default"]["BACKEND"] != REDIS_CACHE:
        problems.append(Error("The cache is not Redis: the production profile keeps the throttling counters, "
                              "which every app server must share, in Redis.", hint="Set REDIS_URL=redis://...",
                              id="twostep.E102"))
    if not twostep_settings().tasks_async:
        problems.append(Warning("Tasks run inside the request (TWOSTEP_TASKS_ASYNC is off): bulk e-mail "
                                "would hold a web worker.", hint="Set REDIS_URL and run `twostep rqworker`.",
                                id="twostep.W103"))
    if not app_settings().metrics_token:
        problems.append(Warning("TWOSTEP_METRICS_TOKEN is not set: /metrics is off in the production profile "
                                "(and open to anyone in the demo).", id="twostep.W104"))
    return problems


@register("twostep", Tags.database, deploy=True)
def check_services(app_configs, databases=None, **kwargs) -> list:
    """The database and cache answer, migrations and static files are in place, the keys open stored secrets.

    Runs only with ``--database`` (``databases`` set); error texts are left out (they can carry host and
    user names), only their class is named.
    """
    if not databases or DEFAULT_DB_ALIAS not in databases:
        return []
    problems = [*_cache_problems(), *_static_problems()]
    try:
        connections[DEFAULT_DB_ALIAS].ensure_connection()
    except Exception as exc:
        problems.append(Error(f"The database does not answer ({type(exc).__name__}).",
                              hint="Start PostgreSQL or correct DATABASE_URL.", id="twostep.E110"))
        return problems
    pending = _unapplied_migrations()
    if pending:
        problems.append(Error(f"{pending} database migrations are not applied.",
                              hint="Run `twostep migrate --noinput`.", id="twostep.E113"))
    else:
        problems.extend(_key_problems())
    return problems


def _cache_problems() -> list:
    try:
        answered = cache_keeps_a_value("check")
    except Exception as exc:
        return [Error(f"The cache does not answer ({type(exc).__name__}).",
                      hint="Start Redis or correct REDIS_URL.", id="twostep.E111")]
    if not answered:
        return [Error("The cache does not keep a value.", hint="Check REDIS_URL and Redis' maxmemory policy.",
                      id="twostep.E111")]
    return []


def _static_problems() -> list:
    if not isinstance(staticfiles_storage, ManifestFilesMixin) or staticfiles_storage.read_manifest() is not None:
        return []
    return [Error(f"The static files are not collected (no {staticfiles_storage.manifest_name} in "
                  f"{settings.STATIC_ROOT}): every page would fail with HTTP 500.",
                  hint="Run `twostep collectstatic --noinput` with the same environment.", id="twostep.E112")]


def _unapplied_migrations() -> int:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _key_problems() -> list:
    sample = list(Authenticator.objects.order_by("-pk").values_list("sealed_secret", flat=True)[:KEY_SAMPLE])
    unreadable = 0
    for token in sample:
        try:
            vault.unseal(token)
        except vault.VaultError:
            unreadable += 1
    if not unreadable:
        return []
    return [Error(f"{unreadable} of the {len(sample)} newest stored authenticators open with no key in "
                  "TWOSTEP_ENCRYPTION_KEYS: their users could not sign in.",
                  hint="Put the key that sealed them back into TWOSTEP_ENCRYPTION_KEYS (newest first); "
                       "`twostep rotate-keys` then re-seals them with the newest.", id="twostep.E114")]
