"""A smoke test of the benchmark's load driver against the SQLite live server: it signs in for real
(password, then a code computed from the account's secret) and reports every sign-in that did not end
signed in. The figures themselves come from ``python -m bench``, never from tests."""

import os
import time

import pytest

from bench import driver
from twostep import otp
from twostep.audit.models import AuditEvent
from twostep.mfa.authenticators import services, vault
from twostep.mfa.models import Authenticator

PASSWORD = "bench driver password 1"
pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]


def _account(make_user, email: str) -> list[str]:
    user = make_user(email, password=PASSWORD)
    secret = otp.generate_secret(20)
    Authenticator.objects.create(user=user, sealed_secret=vault.seal(secret),
                                 confirmed_at=services.as_datetime(int(time.time()) - 3600))
    return [email, PASSWORD, otp.b32encode(secret)]


def _run(live_server, accounts, **config) -> dict:
    return driver.run({"base": live_server.url, "flow": "twostep", "accounts": accounts, "mode": "flows",
                       "concurrency": 1, "tls_proxy": False, **config})


def test_complete_sign_ins_are_counted_and_timed(live_server, make_user):
    accounts = [_account(make_user, "ada@bench.example"), _account(make_user, "bob@bench.example")]
    result = _run(live_server, accounts, count=2)
    assert result["failures"] == []
    assert len(result["records"]) == 2
    assert all(set(record) == {"start", "end", "page", "password", "code", "home"} for record in result["records"])
    assert sorted(result["last_steps"]) == ["ada@bench.example", "bob@bench.example"]
    assert AuditEvent.objects.filter(action="signin.succeeded").count() == 2


def test_a_sign_in_that_does_not_end_signed_in_is_a_failure(live_server, make_user):
    wrong_password = _account(make_user, "cy@bench.example")
    wrong_password[1] = "not the password"
    wrong_secret = _account(make_user, "dee@bench.example")
    wrong_secret[2] = otp.b32encode(bytes(20))
    result = _run(live_server, [wrong_password, wrong_secret], count=2)
    assert result["records"] == []
    assert sorted(f["email"] + " " + f["error"].split(":")[0] for f in result["failures"]) == [
        "cy@bench.example password", "dee@bench.example code"]
    assert AuditEvent.objects.filter(action="signin.succeeded").count() == 0


def test_code_requests_alone_are_timed_with_the_servers_cpu(live_server, make_user):
    accounts = [_account(make_user, "eve@bench.example"), _account(make_user, "fay@bench.example")]
    # The live server runs in this process: its "workers" are this process, and there is no database server.
    result = _run(live_server, accounts, count=2, mode="codes",
                  cpu_pids={"workers": [os.getpid()], "db": []})
    assert result["failures"] == []
    assert (result["requests"], len(result["code_seconds"])) == (2, 2)
    assert sorted(result["code_cpu"]) == ["db", "workers"]
    assert result["code_cpu"]["db"] == 0.0
    assert result["code_cpu"]["workers"] > 0
    assert AuditEvent.objects.filter(action="signin.succeeded").count() == 2
