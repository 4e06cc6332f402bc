"""The demo's cache (no REDIS_URL) is a table in its database, shared by all its processes: two `twostep serve`
servers on one SQLite file count one account's wrong passwords together, as app servers do on Redis; counters
are added to and claimed atomically across processes; a failed write is an outage, never a lost wait; live
counters are never culled."""

import json
import os
import re
import subprocess
import sys

import pytest
import requests
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

from tests.production.conftest import OWN_PREFIXES, twostep
from tests.production.deployment import REPO, Server, free_port
from twostep import backing

EMAIL = "user@northwind.example"  # the demo's account without MFA: its password step is the whole sign-in


def demo_env(data_dir) -> dict[str, str]:
    """The environment of `make run`: none of twostep's variables but the data folder."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(OWN_PREFIXES)}
    return {**env, "TWOSTEP_DATA_DIR": str(data_dir)}


def start_server(env: dict, workdir, number: int) -> Server:
    port, metrics = free_port(), workdir / f"metrics-{number}"
    metrics.mkdir()
    log_path = workdir / f"server-{number}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "twostep.cli", "serve", "--bind", f"127.0.0.1:{port}",
                                    "--workers", "1"], env={**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
                                   stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    return Server(process, f"http://127.0.0.1:{port}", log_path)


def test_two_demo_servers_count_one_accounts_wrong_passwords_together(tmp_path):
    env = demo_env(tmp_path / "data")
    seeded = twostep(env, "setup-demo")  # migrates, which creates the cache table, and prints the passwords
    assert seeded.returncode == 0, seeded.stderr
    password = re.search(rf"  {re.escape(EMAIL)}  password: (\S+)", seeded.stdout).group(1)
    servers = [start_server(env, tmp_path, number) for number in (0, 1)]
    try:
        for server in servers:
            server.wait_until_ready()
        browser = requests.Session()  # cookies ignore the port: one browser, two servers, as behind a balancer
        token = browser.get(servers[0].url + "/signin/", timeout=30).cookies["csrftoken"]

        def attempt(server: Server, guess: str) -> requests.Response:
            return browser.post(server.url + "/signin/", data={"csrfmiddlewaretoken": token, "email": EMAIL,
                                                               "password": guess}, allow_redirects=False, timeout=60)

        # 5 free failures in all, 3 on one server and 2 on the other (each server alone would allow 5)
        wrong = [attempt(servers[n % 2], f"wrong guess {n}").status_code for n in range(5)]
        refused = attempt(servers[1], "wrong guess 5")
        right = attempt(servers[0], password)  # not checked during the wait
    finally:
        for server in servers:
            server.stop()
    assert wrong == [400] * 5
    # The first wait is 30 s from the 5th failure; real seconds pass between the requests (real servers' clocks).
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) in range(1, 31)
    assert right.status_code == 429 and int(right.headers["Retry-After"]) in range(1, 31)
    assert "sessionid" not in browser.cookies


RACER = """
import json, sys, django
django.setup()
from django.core.cache import cache
cache.add("counter", 0, timeout=3600)
print("ready", flush=True)
sys.stdin.readline()  # both processes start counting at once
counted = [cache.incr("counter") for _ in range(150)]
claimed = [n for n in range(60) if cache.add(f"slot-{n}", 1, timeout=3600)]
print(json.dumps([counted, claimed]))
"""


def test_two_processes_add_to_one_counter_and_claim_slots_atomically(tmp_path):
    env = {**demo_env(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "twostep.settings"}
    migrated = twostep(env, "migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    racers = [subprocess.Popen([sys.executable, "-c", RACER], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for racer in racers:
        assert racer.stdout.readline() == "ready\n", racer.stderr.read()
    for racer in racers:
        racer.stdin.write("go\n")
        racer.stdin.flush()
    results = [json.loads(racer.communicate(timeout=120)[0]) for racer in racers]
    counted = sorted(results[0][0] + results[1][0])
    assert counted == list(range(1, 301))  # every increment counted once: no two processes saw the same value
    claimed = results[0][1] + results[1][1]
    assert sorted(claimed) == list(range(60))  # each slot claimed by exactly one process


@pytest.fixture
def database_cache(settings, db):
    settings.CACHES = backing.cache("")
    call_command("createcachetable", verbosity=0)
    return cache


def expiry_of(key: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM twostep_cache WHERE cache_key = %s", [cache.make_key(key)])
        return cursor.fetchone()[0]


def test_a_counter_keeps_its_expiry_when_counted(database_cache):
    database_cache.add("failures", 0, timeout=86400)
    before = expiry_of("failures")
    assert [database_cache.incr("failures") for _ in range(3)] == [1, 2, 3]
    assert database_cache.get("failures") == 3 and expiry_of("failures") == before  # not the default 300 s
    with pytest.raises(ValueError):
        database_cache.incr("never-added")


def test_a_write_the_database_refuses_is_an_outage_not_a_silent_miss(database_cache):
    database_cache.set("wait", 1, timeout=60)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")  # reads work, every write is refused
    try:
        with pytest.raises(OperationalError):
            database_cache.set("wait", 30, timeout=60)
        with pytest.raises(OperationalError):
            database_cache.add("slot", 1, timeout=10)
        assert database_cache.add("wait", 2, timeout=10) is False  # there already: add's own answer
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
    assert database_cache.get("wait") == 1


def test_only_expired_entries_are_culled(database_cache, settings):
    settings.CACHES = {"default": {**backing.cache("")["default"], "OPTIONS": {"MAX_ENTRIES": 5}}}
    for n in range(4):
        cache.set(f"gone-{n}", n, timeout=0)  # expired at once
    for n in range(8):
        cache.set(f"live-{n}", n, timeout=3600)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM twostep_cache WHERE expires > %s", [timezone.now()])
        live = sorted(key for (key,) in cursor.fetchall())
        cursor.execute("SELECT COUNT(*) FROM twostep_cache")
        (rows,) = cursor.fetchone()
    assert live == sorted(cache.make_key(f"live-{n}") for n in range(8)) and rows == 8
