"""The mailed setup code's 5 tries hold when guesses arrive at once, at two app servers on one PostgreSQL
database: each guess claims a try with a conditional UPDATE before the code is compared."""

import re

import pytest

from tests.postgres.harness import all_at_once, query
from tests.postgres.test_enrollment_attack import PASSWORD, SEED, sign_in

pytestmark = pytest.mark.postgres

GUESSES = 40
MAILED = re.compile(r"^    (\d{3}) (\d{3})$", re.MULTILINE)


def mailed_code(app) -> str:
    (mail,) = [path for path in (app.data_dir / "mail").glob("*.log")]
    return "".join(MAILED.search(mail.read_text()).groups())


def test_forty_wrong_codes_at_once_over_two_servers_get_five_checked(pg_app, two_servers):
    a, b = two_servers
    email = "racer@acme.example"
    pg_app.django(SEED, email, PASSWORD)
    browser, step = sign_in(a, email)
    assert step == "/signin/setup/"
    assert browser.get("/signin/setup/email/").status == 200  # mails the code
    right = mailed_code(pg_app)
    wrong = [f"{(int(right) + n) % 10**6:06d}" for n in range(1, GUESSES + 1)]
    tabs = [browser.clone() for _ in wrong]
    responses = all_at_once([
        (lambda tab=tab, guess=guess, server=(a, b)[n % 2]:
         tab.post("/signin/setup/email/", {"action": "code", "code": guess}, to=server.address))
        for n, (tab, guess) in enumerate(zip(tabs, wrong, strict=True))])

    checked = [r for r in responses if "That code is not correct" in r.body]
    assert len(checked) == 5 and all(r.status == 400 for r in checked)
    # The rest: the code's tries are used up (400), or the user's back-off shared by every factor began (429).
    refused = [r for r in responses if r not in checked]
    assert len(refused) == 35 and all(
        (r.status, "has run out or was tried too often" in r.body) == (400, True) or r.status == 429 for r in refused)
    assert query(pg_app, "AuditEvent.objects.filter(detail__reason='invalid_mailbox_code').count()") == 5
    last = browser.post("/signin/setup/email/", {"action": "code", "code": right}, to=b.address)
    assert last.status in (400, 429)  # used up, or the back-off's wait: either way not checked
    assert browser.get("/signin/setup/").location == "/signin/setup/email/"
