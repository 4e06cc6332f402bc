"""Wrong passwords sent at the same moment: one password of an account is checked at a time, so of 20
concurrent guesses no more than the 5 free ones are checked; the others are refused as throttled (HTTP 429
in the views) without a check. Before, all 20 were checked: each passed the wait before the first failure
was counted. The forms are driven from threads (the cache is the shared part; they write no rows)."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import RequestFactory

from tests.mfa.test_password_throttling import cache_under_test
from twostep.accounts import password_throttle
from twostep.mfa.signin.forms import SignInForm
from twostep.mfa.stepup.forms import StepUpForm

pytestmark = pytest.mark.django_db(transaction=True)

GUESSES = 20
EMAIL = "nora@northwind.example"


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def throttle_cache(request, settings):
    """Local memory and real Redis. The demo's database cache is raced by real processes on a real SQLite file
    in tests/ops/test_demo_cache.py: the test database is SQLite in shared memory, which refuses a second writer
    at once instead of letting it wait its turn."""
    yield from cache_under_test(request.param, settings)


def all_at_once(forms: list) -> list[tuple[str, int]]:
    """Validate every form in its own thread, released together; (error code, retry_after) of each."""
    barrier = threading.Barrier(len(forms))

    def run(form):
        try:
            barrier.wait(timeout=30)
            form.is_valid()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(form,)) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [(next(iter(form.errors.as_data().values()))[0].code, form.retry_after) for form in forms]


def guesses(kind: str, user, clock) -> list:
    factory = RequestFactory()
    requests = [factory.post("/", REMOTE_ADDR=f"198.51.100.{n}") for n in range(GUESSES)]  # 20 addresses
    if kind == "signin":
        return [SignInForm(request, data={"email": EMAIL, "password": f"guess {n}"}, now=clock.now)
                for n, request in enumerate(requests)]
    return [StepUpForm(user, {"password": f"guess {n}"}, with_code=False, request=request, now=clock.now)
            for n, request in enumerate(requests)]


@pytest.mark.parametrize("kind, wrong", [("signin", "invalid_login"), ("stepup", "invalid_password")])
def test_twenty_concurrent_wrong_passwords_are_checked_at_most_five_times(clock, make_user, throttle_cache,
                                                                         kind, wrong):
    nora = make_user(EMAIL)

    outcomes = all_at_once(guesses(kind, nora, clock))

    counts = Counter(code for code, _ in outcomes)
    assert counts[wrong] in range(1, 6) and counts[wrong] + counts["throttled"] == GUESSES, counts
    assert {wait for code, wait in outcomes if code == "throttled"} <= {password_throttle.BUSY_RETRY_AFTER, 30}
    # Only the checked ones were counted: the next try waits exactly as the schedule says for that count.
    assert password_throttle.retry_after(None, EMAIL, now=clock.now) == (30 if counts[wrong] == 5 else 0)
