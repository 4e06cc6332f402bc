"""'Password right, code missing' is sent at most once an hour per user, also across servers: two gunicorn
servers on one PostgreSQL database; four pending sign-ins of one user, each with one wrong code, are all
cancelled at once (five tabs each, 20 sign-outs, half to each server) -> one notice, one mail."""

import time
from functools import partial

import pytest

from tests.postgres.harness import Browser, all_at_once, query, seed_enrolled_user
from twostep import otp

pytestmark = pytest.mark.postgres

EMAIL, PASSWORD = "race@acme.example", "correct horse battery staple"
SUBJECT = "Subject: Someone signed in with your password but did not have your code"


def pending_with_a_wrong_code(server, secret: bytes) -> Browser:
    browser = Browser(server.address)
    assert browser.get("/signin/").status == 200
    response = browser.post("/signin/", {"email": EMAIL, "password": PASSWORD})
    assert (response.status, response.location) == (302, "/signin/code/")
    now = int(time.time())  # the servers read the real clock
    valid = {otp.totp(secret, now=now + 30 * offset) for offset in range(-11, 12)}  # no code near now
    wrong = next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)
    assert browser.post("/signin/code/", {"code": wrong}).status == 400
    assert browser.get("/signout/").status == 200  # the sign-out form's CSRF token
    return browser


def test_twenty_cancelled_sign_ins_at_once_over_two_servers_tell_the_user_once(pg_app, two_servers):
    secret = seed_enrolled_user(pg_app, EMAIL, PASSWORD)
    sessions = [pending_with_a_wrong_code(two_servers[n % 2], secret) for n in range(4)]
    tabs = [session.clone() for session in sessions for _ in range(5)]
    responses = all_at_once([partial(tab.post, "/signout/", {}, to=two_servers[n % 2].address)
                             for n, tab in enumerate(tabs)])
    assert sorted({(r.status, r.location) for r in responses}) == [(302, "/signin/")]

    notices = query(pg_app, "list(AuditEvent.objects.filter(action='mfa.password_without_code_notice')"
                            ".values_list('detail', flat=True))")
    assert notices == [{"reason": "cancelled", "wrong_codes": 1}]
    mails = [path.read_text() for path in (pg_app.data_dir / "mail").glob("*.log")]
    assert sum(text.count(SUBJECT) for text in mails) == 1
