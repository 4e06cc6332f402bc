"""The back-off of wrong recovery codes across processes: two gunicorn servers on one PostgreSQL database, six
attackers who know the password send wrong recovery codes, all at once in rounds, half to each server, and sign
in with the password again whenever a pending sign-in is over, which here is after every wrong code: each
checked guess takes a fresh password step. The servers run a short schedule (set by environment: 5 free, then
waits of 1 s doubling to 2 s, locked at the 12th) on their real clock.

What must hold, counted from the audit trail the servers wrote: every checked guess was counted once and in turn
(the counts 1 to 12, no two servers checking at one count), no more guesses were checked within a simulated day
than the schedule lets through, the 12th locked, and nothing was checked after it, not even a right code.
"""

import json
import shutil
import threading
import time
from collections import Counter

import pytest

from tests.postgres.harness import App, Browser, fresh_database
from twostep.accounts.backoff import Schedule

pytestmark = pytest.mark.postgres

EMAIL, PASSWORD = "target@acme.example", "correct horse battery staple"
SCHEDULE, LOCK_AFTER = Schedule(free=5, base=1, cap=2), 12
TUNING = {"TWOSTEP_THROTTLE_FREE_FAILURES": "5", "TWOSTEP_THROTTLE_BASE_DELAY": "1",
          "TWOSTEP_THROTTLE_MAX_DELAY": "2", "TWOSTEP_CODE_LOCK_AFTER": str(LOCK_AFTER),
          "TWOSTEP_PENDING_MAX_ATTEMPTS": "1"}  # one wrong code ends a pending sign-in
DAY = 6  # seconds of the servers' clock standing for a day: the schedule lets 8 guesses through, not 12
# The servers read their clock in whole seconds, a moment before the guess is recorded: allow 2 s more.
CLOCK_SLACK = 2
ATTACKERS, ROUNDS, DEADLINE = 6, 600, 90  # the attack stops after ROUNDS or DEADLINE seconds
PASSWORD_TURN = threading.Lock()
SEED = """
import json, sys, time
from twostep import otp
from twostep.accounts.models import User
from twostep.mfa.authenticators import enrollment as enrollments
email, password = sys.argv[1:3]
user = User.objects.create_user(email, password)
then = int(time.time()) - 120
enrollment = enrollments.start_enrollment(user, binding="fixture", now=then)
confirmed = enrollments.confirm_enrollment(user, otp.totp(enrollment.secret, now=then), binding="fixture", now=then)
print(json.dumps(confirmed.recovery_codes))
"""
FACTS = """
import json
from twostep.audit.models import AuditEvent
from twostep.mfa.models import FactorThrottle, RecoveryCode
events = AuditEvent.objects.order_by("id")
checked = events.filter(action="mfa.code_failed", detail__reason="invalid_recovery_code")
row = FactorThrottle.objects.get()
print(json.dumps(dict(
    checked=[(e.detail["failures"], e.occurred_at.timestamp()) for e in checked],
    locked=list(events.filter(action="mfa.locked").values_list("detail", flat=True)),
    refused=events.filter(action="mfa.throttled").count(),
    after_lock=events.filter(action="mfa.code_failed", id__gt=events.filter(action="mfa.locked").first().id).count(),
    throttle=[row.failures, row.locked_at is not None, row.throttled_until is None],
    unused=RecoveryCode.objects.filter(used_at__isnull=True).count(),
    signed_in=events.filter(action__in=["signin.succeeded", "mfa.recovery_code_used"]).count())))
"""


@pytest.fixture
def short_schedule_servers():
    with fresh_database("backoff") as url:
        app = App(url, settings=TUNING)
        servers = []
        try:
            app.migrate()
            servers = [app.serve(), app.serve()]
            yield app, servers
        finally:
            for server in servers:
                server.stop()
            shutil.rmtree(app.data_dir, ignore_errors=True)


class Attacker:
    """Knows the password, not the codes. In every round all attackers send one wrong recovery code at once (half
    to each server: the moments where two servers could both check a guess); whoever's pending sign-in is over
    signs in with the password again. Stops at the lock, or after ``ROUNDS`` or ``DEADLINE``."""

    def __init__(self, number: int, server, locked: threading.Event):
        self.number, self.server, self.locked = number, server, locked
        self.browser = Browser(server.address)
        self.seen: Counter = Counter()
        self.password_steps = 0
        self.error: BaseException | None = None  # what went wrong in this attacker's thread

    def send(self, method: str, path: str, form: dict | None = None):
        response = self.browser.request(method, path, form=form)
        self.seen[(path, response.status)] += 1
        return response

    def sign_in_again(self) -> bool:
        """A fresh browser and the password. The attackers take turns here: one password of an account is checked
        at a time anyway (others get 429), and what is raced is the codes."""
        with PASSWORD_TURN:
            for _ in range(10):
                self.browser = Browser(self.server.address)
                self.send("GET", "/signin/")
                step = self.send("POST", "/signin/", {"email": EMAIL, "password": PASSWORD})
                if step.location == "/signin/code/":
                    self.password_steps += 1
                    return True
                self.locked.wait(0.1)
        return False

    def run(self, barrier: threading.Barrier) -> None:
        try:
            self.attack(barrier)
        except BaseException as exc:  # a thread's failure would go unseen: the test reports it
            self.error = exc
            barrier.abort()

    def attack(self, barrier: threading.Barrier) -> None:
        assert self.sign_in_again()
        deadline = time.monotonic() + DEADLINE
        for count in range(ROUNDS):
            self.locked.wait(0.05)  # a short pause between rounds only spares the shared machine
            if time.monotonic() > deadline:
                barrier.abort()
                return
            try:
                barrier.wait(timeout=60)
            except threading.BrokenBarrierError:
                return
            guess = f"{self.number}{count:09d}"  # a well-formed code that is none of the user's
            response = self.send("POST", "/signin/recovery/", {"recovery_code": guess})
            if response.status == 403:
                self.locked.set()
                barrier.abort()
                return
            if response.status == 302:  # the pending sign-in is over: it had its wrong code
                assert self.sign_in_again()


def test_wrong_recovery_codes_at_two_servers_get_the_schedule_and_no_more(short_schedule_servers):
    app, servers = short_schedule_servers
    codes = json.loads(app.django(SEED, EMAIL, PASSWORD))
    locked, barrier = threading.Event(), threading.Barrier(ATTACKERS)
    attackers = [Attacker(n, servers[n % 2], locked) for n in range(ATTACKERS)]
    threads = [threading.Thread(target=attacker.run, args=(barrier,)) for attacker in attackers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert [attacker.error for attacker in attackers] == [None] * ATTACKERS
    assert locked.is_set(), "the attack ran out of rounds or time before the lock"

    late = Attacker(9, servers[1], threading.Event())  # locked: not even the right code is checked
    assert late.sign_in_again()
    assert late.send("POST", "/signin/recovery/", {"recovery_code": codes[0]}).status == 403

    facts = json.loads(app.django(FACTS))
    counts = [failures for failures, _ in facts["checked"]]
    assert counts == list(range(1, LOCK_AFTER + 1))  # each checked guess counted once, in turn
    first = facts["checked"][0][1]
    in_a_day = sum(at - first <= DAY for _, at in facts["checked"])
    assert in_a_day <= SCHEDULE.tries_within(DAY + CLOCK_SLACK, limit=LOCK_AFTER) == 9
    assert facts["locked"] == [{"failures": LOCK_AFTER, "factor": "recovery_code", "purpose": "signin"}]
    assert facts["throttle"] == [LOCK_AFTER, True, True] and facts["after_lock"] == 0
    assert facts["unused"] == 10 and facts["signed_in"] == 0

    seen = sum((attacker.seen for attacker in attackers), Counter())
    assert not [key for key in seen if key[1] >= 500], seen
    # The checked guesses ended their pending sign-in (302) or, the 12th, locked (403); the rest got 429.
    assert (seen[("/signin/recovery/", 400)], seen[("/signin/recovery/", 302)]) == (0, LOCK_AFTER - 1)
    assert sum(attacker.password_steps for attacker in attackers) == ATTACKERS + LOCK_AFTER - 1
    print("sent:", dict(seen), "checked in the day:", in_a_day, "refused (429/403):", facts["refused"])
