"""The back-off schedule of wrong codes and passwords, pinned at its boundaries, and the README's bound."""

import pytest

from twostep.accounts.backoff import Schedule, backoff_seconds, describe_wait


@pytest.mark.parametrize("failures, wait", [
    (0, 0), (1, 0), (4, 0),            # the first four failures cost nothing
    (5, 30),                           # after 5 consecutive failures the next try waits 30 s
    (6, 60), (7, 120), (8, 240), (9, 480),
    (10, 900),                         # 960 s would exceed the cap of 15 minutes
    (11, 900), (99, 900), (10_000, 900),
])
def test_backoff_after_consecutive_failures(failures, wait):
    assert backoff_seconds(failures) == wait


def test_backoff_follows_its_parameters():
    assert [Schedule(free=20).backoff_seconds(n) for n in (19, 20, 21)] == [0, 30, 60]
    assert [Schedule(free=1, base=10, cap=35).backoff_seconds(n) for n in (0, 1, 2, 3)] == [0, 10, 20, 35]


def test_earliest_moment_of_each_try():
    schedule = Schedule()
    assert [schedule.earliest_try(n) for n in (1, 5, 6, 7, 10, 11)] == [0, 0, 30, 90, 930, 1830]
    # The 100th consecutive wrong code (the one that locks) comes 930 + 90 * 900 seconds after the first.
    assert schedule.earliest_try(100) == 81_930


def test_readme_bound_all_hundred_tries_fit_in_one_day_and_no_more():
    schedule = Schedule()
    assert schedule.tries_within(86_400, limit=100) == 100
    assert schedule.tries_within(81_929, limit=100) == 99
    # Without the lockout the back-off alone would allow 104 a day: 930 + 94 * 900 = 85,530 <= 86,400.
    assert schedule.tries_within(86_400, limit=10_000) == 104


@pytest.mark.parametrize("seconds, words", [
    (0, "1 second"), (1, "1 second"), (30, "30 seconds"), (59, "59 seconds"), (60, "1 minute"),
    (61, "2 minutes"), (480, "8 minutes"), (900, "15 minutes"),
])
def test_describe_wait(seconds, words):
    assert describe_wait(seconds) == words
