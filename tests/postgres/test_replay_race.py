"""The replay guard across processes: two gunicorn servers on one PostgreSQL database, 20 concurrent
submissions of the same valid code for the same pending sign-in, half to each server -> exactly one
sign-in succeeds, the code's time step is recorded once, the audit trail has one success."""

import time
from functools import partial

import pytest

from tests.postgres.harness import Browser, all_at_once, query, seed_enrolled_user
from twostep import otp

pytestmark = pytest.mark.postgres

EMAIL, PASSWORD = "race@acme.example", "correct horse battery staple"


def pending_sign_in(server) -> Browser:
    browser = Browser(server.address)
    assert browser.get("/signin/").status == 200
    response = browser.post("/signin/", {"email": EMAIL, "password": PASSWORD})
    assert (response.status, response.location) == (302, "/signin/code/")
    return browser


def test_same_code_twenty_times_at_once_over_two_servers_signs_in_once(pg_app, two_servers):
    secret = seed_enrolled_user(pg_app, EMAIL, PASSWORD)
    browser = pending_sign_in(two_servers[0])
    now = int(time.time())  # the servers read the real clock; ±1 time step covers the round trips
    code, step = otp.totp(secret, now=now), otp.time_step(now)

    tabs = [browser.clone() for _ in range(20)]
    responses = all_at_once([partial(tab.post, "/signin/code/", {"code": code}, to=two_servers[n % 2].address)
                             for n, tab in enumerate(tabs)])

    outcomes = sorted((r.status, r.location) for r in responses)
    assert outcomes.count((302, "/")) == 1, outcomes
    assert not [r for r in responses if r.status >= 500], outcomes
    # The others were refused: the code was already used (400: its page says so, or, when the winner had
    # already replaced the session, that the request was not processed), or the session had moved on (302).
    refused = [r for r in responses if (r.status, r.location) != (302, "/")]
    assert all(r.status == 400 or (r.status, r.location) == (302, "/signin/") for r in refused), outcomes
    assert all("already been used" in r.body or "Request not processed" in r.body
               for r in refused if r.status == 400)

    facts = query(pg_app, "dict("
                  "steps=list(Authenticator.objects.values_list('last_used_step', 'user__factor_throttle__failures')),"
                  "succeeded=AuditEvent.objects.filter(action='signin.succeeded').count(),"
                  "replays=AuditEvent.objects.filter(action='mfa.code_failed', detail__reason='replayed_code').count(),"
                  "other=sorted(set(AuditEvent.objects.values_list('action', flat=True))))")
    assert facts["steps"] == [[step, 0]]  # recorded once; a replay is not counted as a wrong code
    assert facts["succeeded"] == 1
    assert facts["replays"] == outcomes.count((400, ""))  # every refused code left one audit event
    assert set(facts["other"]) <= {"mfa.setup_started", "mfa.enrolled", "mfa.recovery_codes_generated",
                                   "signin.succeeded", "mfa.code_failed"}

    winner = tabs[[(r.status, r.location) for r in responses].index((302, "/"))]
    for server in two_servers:  # the new session works on both servers
        home = winner.get("/", to=server.address)
        assert home.status == 200 and EMAIL in home.body
    print("outcomes:", {outcome: outcomes.count(outcome) for outcome in set(outcomes)})
