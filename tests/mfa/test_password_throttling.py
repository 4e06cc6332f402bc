"""Wrong passwords: back-off per account and per client IP in Django's cache (local memory, the demo's database
cache and real Redis).

Unknown e-mails are throttled exactly like known ones; e-mails never sit in the cache in clear.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.services import REDIS_URL, delete_keys, require_redis, unique_name
from twostep import backing
from twostep.accounts import password_throttle
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"


@pytest.fixture(params=["locmem", "database", pytest.param("redis", marks=pytest.mark.redis)])
def throttle_cache(request, settings):
    """The cache backend under test (see ``cache_under_test``)."""
    yield from cache_under_test(request.param, settings)


def cache_under_test(kind: str, settings):
    """Yields None (local memory), "database" (the demo's database cache, in the test database: its rows go
    with the test's transaction) or (Redis client, key prefix): Redis gets a unique key prefix and only its own
    keys are deleted."""
    if kind == "locmem":
        yield None
        return
    if kind == "database":
        settings.CACHES = backing.cache("")
        call_command("createcachetable", verbosity=0)
        yield "database"
        return
    redis_client = require_redis()
    prefix = unique_name("throttle")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    yield (redis_client, prefix)
    delete_keys(redis_client, f"{prefix}:*")


@pytest.fixture
def nora(make_user):
    return make_user("nora@northwind.example")


def attempt(client, email, password=WRONG, ip="203.0.113.9"):
    return client.post(reverse("mfa:signin"), {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_after_five_wrong_passwords_the_account_waits_30_seconds(client, clock, throttle_cache, nora):
    assert [attempt(client, "nora@northwind.example").status_code for _ in range(5)] == [400] * 5
    refused = attempt(client, "nora@northwind.example", password="correct horse battery staple")
    assert refused.status_code == 429 and refused["Retry-After"] == "30"
    assert refused.context["form"].has_error("__all__", "throttled")
    assert client.session.get("_auth_user_id") is None
    clock.advance(29)
    assert attempt(client, "nora@northwind.example")["Retry-After"] == "1"
    clock.advance(1)
    assert attempt(client, "nora@northwind.example").status_code == 400  # 6th failure: next wait 60 s
    assert attempt(client, "nora@northwind.example")["Retry-After"] == "60"
    clock.advance(60)
    ok = attempt(client, "nora@northwind.example", password="correct horse battery staple")
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(nora.pk)
    assert list(AuditEvent.objects.order_by("id").values_list("action", "detail__retry_after")) == (
        [("signin.failed", None)] * 5 + [("signin.throttled", 30), ("signin.throttled", 1), ("signin.failed", None),
                                          ("signin.throttled", 60), ("signin.succeeded", None)])


def test_unknown_email_is_throttled_exactly_like_a_known_one(clock, throttle_cache, nora):
    def statuses(email):
        browser = Client()
        return [(r.status_code, r.get("Retry-After")) for r in (attempt(browser, email) for _ in range(7))]

    known, unknown = statuses("nora@northwind.example"), statuses("nobody@northwind.example")
    assert known == unknown == [(400, None)] * 5 + [(429, "30")] * 2


def test_the_account_counter_follows_the_email_across_addresses_and_spellings(client, clock, throttle_cache, nora):
    spellings = ["nora@northwind.example", "NORA@Northwind.example", " nora@NORTHWIND.EXAMPLE "]
    for n in range(5):
        assert attempt(client, spellings[n % 3], ip=f"198.51.100.{n + 1}").status_code == 400
    assert attempt(client, "Nora@northwind.example", ip="198.51.100.77").status_code == 429


def test_a_correct_password_resets_the_account_counter(client, clock, throttle_cache, nora):
    for _ in range(4):
        attempt(client, "nora@northwind.example", ip=f"198.51.100.{_ + 1}")
    assert attempt(client, "nora@northwind.example", password="correct horse battery staple").status_code == 302
    other = Client()  # an unknown browser: the signed-in one now counts against its device cookie
    assert [attempt(other, "nora@northwind.example", ip=f"198.51.100.{n + 10}").status_code
            for n in range(6)] == [400] * 5 + [429]


def test_one_client_ip_gets_twenty_free_failures_over_any_emails(client, clock, throttle_cache, nora):
    statuses = [attempt(client, f"guess{n}@northwind.example").status_code for n in range(20)]
    assert statuses == [400] * 20
    refused = attempt(client, "nora@northwind.example", password="correct horse battery staple")
    assert refused.status_code == 429 and refused["Retry-After"] == "30"
    other_ip = attempt(client, "nora@northwind.example", password="correct horse battery staple", ip="192.0.2.1")
    assert other_ip.status_code == 302


def test_ipv6_clients_are_counted_per_64_network(client, clock, throttle_cache, nora):
    for n in range(20):
        attempt(client, f"guess{n}@northwind.example", ip=f"2001:db8:1:2::{n + 1:x}")
    assert attempt(client, "guess@northwind.example", ip="2001:db8:1:2:ffff::1").status_code == 429
    assert attempt(client, "guess@northwind.example", ip="2001:db8:1:3::1").status_code == 400


def test_emails_do_not_sit_in_the_cache_in_clear(client, clock, throttle_cache, nora):
    for _ in range(6):
        attempt(client, "nora@northwind.example")
    if throttle_cache is None:
        from django.core.cache import cache

        keys = list(cache._cache)
    elif throttle_cache == "database":
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM twostep_cache")
            keys = [key for (key,) in cursor.fetchall()]
    else:
        redis_client, prefix = throttle_cache
        keys = [key.decode() for key in redis_client.scan_iter(match=f"{prefix}:*")]
    assert len(keys) == 3  # the account's counter and wait, the IP's counter (5 < 20: no wait)
    assert not [key for key in keys if "nora" in key.lower() or "northwind" in key.lower()]
    assert any(password_throttle.account_key("nora@northwind.example") in key for key in keys)


@pytest.mark.parametrize("proxies, forwarded, counted", [
    (0, "192.0.2.1", "203.0.113.9"),                        # no proxy configured: the header is ignored
    (1, "192.0.2.1", "192.0.2.1"),                          # one proxy: the address it appended
    (1, "198.51.100.1, 192.0.2.1", "192.0.2.1"),            # a client-sent entry before it is not trusted
    (2, "198.51.100.1, 192.0.2.1", "198.51.100.1"),
    (2, "192.0.2.1", "203.0.113.9"),                        # fewer entries than proxies: the socket peer
])
def test_client_ip_behind_reverse_proxies(rf, settings, proxies, forwarded, counted):
    settings.TWOSTEP_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert password_throttle.client_ip(request) == counted


@pytest.mark.parametrize("raw, counted", [
    ("203.0.113.9", "203.0.113.9"), ("::ffff:203.0.113.9", "203.0.113.9"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"), ("", None), ("not an address", None),
])
def test_client_ip(rf, raw, counted):
    assert password_throttle.client_ip(rf.get("/", REMOTE_ADDR=raw)) == counted

