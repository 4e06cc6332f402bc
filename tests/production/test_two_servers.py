"""Two app servers, one PostgreSQL, one Redis: nothing per-user lives in an app server's memory.

The servers are real ``twostep serve`` processes (gunicorn, 2 workers each) in the production profile on
free loopback ports. Each request goes to the server the test picks, as a load balancer without sticky
sessions would send it.
"""

import json
import time

import pytest
import requests

from tests.production.conftest import secret_values, twostep
from tests.production.deployment import Browser, Deployment
from twostep import otp

# One deployment per module: ``make test`` runs pytest with --dist loadgroup, so these stay on one worker.
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("two_servers")]

EMAIL, PASSWORD = "member@acme.example", "correct horse battery staple"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    deployment = Deployment(tmp_path_factory.mktemp("two-servers"))
    try:
        deployment.set_up()
        deployment.secret = deployment.seed(EMAIL, PASSWORD)
        deployment.start_servers(2)
        yield deployment
    finally:
        deployment.tear_down()


def metric(deployment, server, sample: str) -> float:
    """One sample of the server's /metrics (its workers added up), e.g. 'twostep_lockouts_total'."""
    token = deployment.env["TWOSTEP_METRICS_TOKEN"]
    page = requests.get(server.url + "/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert page.status_code == 200
    (line,) = [line for line in page.text.splitlines() if line.startswith(sample + " ")]
    return float(line.rsplit(" ", 1)[1])


def test_a_sign_in_started_on_one_server_finishes_on_the_other(deployment):
    a, b = deployment.servers
    browser = Browser()
    assert browser.get(a, "/signin/").status_code == 200

    password_step = browser.post(a, "/signin/", {"email": EMAIL, "password": PASSWORD})
    assert (password_step.status_code, password_step.headers["Location"]) == (302, "/signin/code/")
    # The pending sign-in is in the session table in PostgreSQL: server B knows it and keeps the browser
    # on the code step, as A would.
    code_page = browser.get(b, "/signin/code/")
    assert code_page.status_code == 200 and f"6-digit code for <strong>{EMAIL}</strong>" in code_page.text
    too_early = browser.get(b, "/")
    assert (too_early.status_code, too_early.headers["Location"]) == (302, "/signin/code/")

    code = otp.totp(deployment.secret, now=int(time.time()))
    code_step = browser.post(b, "/signin/code/", {"code": code})
    assert (code_step.status_code, code_step.headers["Location"]) == (302, "/")
    for server in (a, b):
        home = browser.get(server, "/")
        assert home.status_code == 200 and "Welcome, Max Member" in home.text

    # The replay guard is the authenticator's row in PostgreSQL: the same code is refused on server A.
    other = Browser()
    other.get(a, "/signin/")
    other.post(a, "/signin/", {"email": EMAIL, "password": PASSWORD})
    replay = other.post(a, "/signin/code/", {"code": code})
    assert replay.status_code == 400 and "already been used" in replay.text

    events = deployment.query("SELECT action, outcome FROM audit_auditevent "
                              "WHERE action LIKE 'signin.%%' OR action LIKE 'mfa.%%' ORDER BY id")
    assert events == [("mfa.setup_started", "success"), ("mfa.enrolled", "success"),
                      ("mfa.recovery_codes_generated", "success"), ("signin.succeeded", "success"),
                      ("mfa.code_failed", "failure")]


def test_each_server_counts_all_its_workers_and_logs_json_lines_only(deployment):
    a, b = deployment.servers
    failures = 'twostep_signins_total{outcome="failure"}'
    assert requests.get(b.url + "/metrics", timeout=30).status_code == 401
    before = metric(deployment, b, failures)
    browser = Browser()
    browser.get(b, "/signin/")
    for attempt in range(3):
        wrong = browser.post(b, "/signin/", {"email": EMAIL, "password": f"wrong password {attempt}"})
        assert wrong.status_code == 400
    assert metric(deployment, b, failures) == before + 3

    for server in (a, b):
        lines = server.log_lines()
        records = [json.loads(line) for line in lines]  # fails on any line that is not one JSON object
        assert records[0]["message"] == f"twostep serving on {server.url}/ (2 workers)"
        for secret in [PASSWORD, "wrong password 0", *secret_values(deployment.env)]:
            assert secret not in "\n".join(lines)
    logged = {(r["method"], r["path"], r["status"]) for r in map(json.loads, b.log_lines())
              if r["logger"] == "twostep.request"}
    assert ("POST", "/signin/", 400) in logged


def test_check_passes_against_the_running_services(deployment):
    result = twostep(deployment.env, "check", "--database", "default")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_wrong_passwords_are_counted_across_both_servers(deployment):
    """The password throttle lives in Redis: failures sent alternately to A and B add up to one count."""
    a, b = deployment.servers
    browser = Browser()
    browser.get(a, "/signin/")
    statuses = []
    for attempt, server in enumerate([a, b, a, b, a]):
        statuses.append(browser.post(server, "/signin/", {"email": "nobody@acme.example",
                                                           "password": f"guess {attempt}"}).status_code)
    assert statuses == [400, 400, 400, 400, 400]
    for server in (b, a):
        throttled = browser.post(server, "/signin/", {"email": "nobody@acme.example", "password": "guess 5"})
        assert throttled.status_code == 429
        assert int(throttled.headers["Retry-After"]) in range(1, 31)
        assert "Too many failed sign-in attempts" in throttled.text
    events = deployment.query("SELECT count(*) FROM audit_auditevent WHERE action = 'signin.throttled'")
    assert events == [(2,)]


def sign_in_password(browser, server, email: str, password: str):
    return browser.post(server, "/signin/", {"email": email, "password": password})


def test_a_stranger_throttles_unknown_browsers_on_both_servers_but_not_the_members_known_one(deployment):
    """Device cookies with Redis shared: the stranger's failures, sent to both servers, hold up unknown browsers
    on both; the member's browser, known since a sign-in completed through the other server, signs in at once;
    its own wrong passwords count against its cookie on both servers."""
    a, b = deployment.servers
    email = "nadia@northwind.example"
    secret = deployment.seed(email, PASSWORD, slug="northwind", name="Northwind Labs")
    member = Browser()
    member.get(a, "/signin/")
    assert sign_in_password(member, a, email, PASSWORD).headers["Location"] == "/signin/code/"
    # The code of the step before ours (still accepted): the current one is left for the second sign-in, as no
    # code of a later step is accepted.
    done = member.post(b, "/signin/code/", {"code": otp.totp(secret, now=int(time.time()) - 30)})
    assert (done.status_code, done.headers["Location"]) == (302, "/")
    (device_cookie,) = [h for h in done.raw.headers.getlist("Set-Cookie") if h.startswith("twostep_device_")]
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Max-Age=31536000", "Path=/"} <= {
        part.strip() for part in device_cookie.split(";")[1:]}
    member.post(a, "/signout/", {})

    stranger = Browser()
    stranger.get(b, "/signin/")
    guesses = [sign_in_password(stranger, server, email, f"guess {n}").status_code
               for n, server in enumerate([a, b, a, b, a])]
    assert guesses == [400] * 5
    for server in (b, a):
        refused = sign_in_password(stranger, server, email, PASSWORD)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) in range(1, 31)

    again = sign_in_password(member, b, email, PASSWORD)
    assert (again.status_code, again.headers["Location"]) == (302, "/signin/code/")
    next_step = otp.totp(secret, now=int(time.time()))  # a later time step than the first code's
    assert member.post(a, "/signin/code/", {"code": next_step}).headers["Location"] == "/"
    assert sign_in_password(stranger, b, email, PASSWORD).status_code == 429  # the stranger gained nothing

    member.post(b, "/signout/", {})
    own = [sign_in_password(member, server, email, f"typo {n}").status_code for n, server in enumerate([a, b, a, b, a])]
    assert own == [400] * 5
    for server in (a, b):
        waits = sign_in_password(member, server, email, PASSWORD)
        assert waits.status_code == 429 and int(waits.headers["Retry-After"]) in range(1, 31)
    known = deployment.query("SELECT action, count(*) FROM audit_auditevent WHERE detail->>'email' = %s "
                             "AND detail ? 'known_device' GROUP BY action ORDER BY action", email)
    assert known == [("signin.failed", 5), ("signin.throttled", 2)]
