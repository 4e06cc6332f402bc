"""/healthz and /readyz, as a load balancer calls them."""

import subprocess
import sys

import pytest
from django.test import override_settings

from tests.production.conftest import production_env
from tests.services import REDIS_URL, closed_port, delete_keys, require_redis, unique_name

LB_HOST = "10.0.0.5:8000"  # a load balancer calls the app server by its address, not the site's name


def test_healthz_answers_without_database_or_cache(client):
    # No ``db`` fixture: any query here would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


@override_settings(ALLOWED_HOSTS=["accounts.example.com"], SECURE_SSL_REDIRECT=True)
@pytest.mark.django_db
def test_health_endpoints_skip_host_check_and_https_redirect(client):
    assert client.get("/healthz", HTTP_HOST=LB_HOST).status_code == 200
    assert client.get("/readyz", HTTP_HOST=LB_HOST).status_code == 200
    # ... while every other page keeps both
    assert client.get("/signin/", HTTP_HOST=LB_HOST).status_code == 400
    response = client.get("/signin/", HTTP_HOST="accounts.example.com")
    assert response.status_code == 301 and response["Location"] == "https://accounts.example.com/signin/"


@pytest.mark.django_db
def test_readyz_is_200_when_database_and_cache_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"database: ok\ncache: ok\n"


@pytest.mark.django_db
def test_readyz_is_503_naming_the_cache_when_redis_is_unreachable(client):
    location = f"redis://:not-shown-{closed_port()}@127.0.0.1:{closed_port()}/0"
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    with override_settings(CACHES=caches):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"database: ok\ncache: unavailable\n"


@pytest.mark.parametrize("redis, answer", [
    pytest.param(True, "database: unavailable\ncache: ok\n", marks=pytest.mark.redis),
    (False, "database: unavailable\ncache: unavailable\n"),  # the demo's cache is a table of that database
])
def test_readyz_is_503_naming_the_database_when_postgresql_is_unreachable(tmp_path, redis, answer):
    """A real server process whose DATABASE_URL points at a closed loopback port (the cache: the real Redis, or
    the database's own cache table when REDIS_URL is not set)."""
    prefix = unique_name("readyz")
    redis_client = require_redis() if redis else None
    url = f"postgresql://twostep:db-secret-value@127.0.0.1:{closed_port()}/twostep"
    env = production_env(tmp_path, TWOSTEP_PROFILE="demo", DATABASE_URL=url, REDIS_URL=REDIS_URL if redis else None,
                         TWOSTEP_CACHE_KEY_PREFIX=prefix, DJANGO_SETTINGS_MODULE="twostep.settings")
    script = ("import django; django.setup(); from django.test import Client; r = Client().get('/readyz'); "
              "print(r.status_code); print(r.content.decode(), end='')")
    try:
        result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60,
                                check=False)
    finally:
        if redis_client is not None:
            delete_keys(redis_client, f"{prefix}:*")
    assert result.stdout == "503\n" + answer, result.stderr
    assert "db-secret-value" not in result.stdout + result.stderr


def test_health_endpoints_take_only_get(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
