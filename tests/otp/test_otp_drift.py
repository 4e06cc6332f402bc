"""find_step()/matching_steps() and the clock policy of twostep.otp.drift: which steps a sign-in accepts by the
learned offset, clock verdicts, held steps, and learning the offset at setup and from two agreeing codes."""

from __future__ import annotations

import hmac
import importlib

import pytest

from tests.otp.test_otp_rfc_vectors import RFC6238_CASES, SEEDS
from twostep.otp import InvalidCodeFormat, drift, find_step, hotp, matching_steps
from twostep.otp.drift import ACCEPTED, CLOCK, CURRENT, USED, WRONG, ClockState, check

totp_module = importlib.import_module("twostep.otp.totp")
KEY = b"12345678901234567890"
NOW = 100 * 30 + 5  # our step is 100
OURS = 100


def code(step: int) -> str:
    return hotp(KEY, step)


@pytest.mark.parametrize(("now", "step", "algorithm", "expected"), RFC6238_CASES)
def test_find_step_finds_the_rfc6238_vectors_at_their_step(now, step, algorithm, expected) -> None:
    seed = SEEDS[algorithm]
    assert find_step(seed, expected, now=now, lo=0, hi=0, digits=8, algorithm=algorithm) == step
    # Read 30 s later, the same code is the step before ours: found only when the range reaches back.
    assert find_step(seed, expected, now=now + 30, lo=-1, hi=0, digits=8, algorithm=algorithm) == step
    assert find_step(seed, expected, now=now + 30, lo=0, hi=0, digits=8, algorithm=algorithm) is None
    # 30 s earlier it is the next step's code: never found unless the range reaches forward.
    assert find_step(seed, expected, now=now - 30, lo=-1, hi=0, digits=8, algorithm=algorithm) is None
    assert find_step(seed, expected, now=now - 30, lo=1, hi=1, digits=8, algorithm=algorithm) == step


def test_matching_steps_lists_every_match_in_order() -> None:
    # hotp(KEY, 153567) == hotp(KEY, 153569) == "468457" (see test_otp_verify).
    assert matching_steps(KEY, "468457", now=153568 * 30, lo=-1, hi=1) == [153567, 153569]
    assert find_step(KEY, "468457", now=153568 * 30, lo=-1, hi=1) == 153569
    assert matching_steps(KEY, "468457", now=153568 * 30, lo=0, hi=0) == []
    assert matching_steps(KEY, "755224", now=0, lo=-5, hi=0) == [0]  # no steps below 0


def test_matching_steps_compares_every_step_whatever_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    real, compared = hmac.compare_digest, []
    monkeypatch.setattr(totp_module.hmac, "compare_digest", lambda a, b: compared.append(a) or real(a, b))
    matching_steps(KEY, code(OURS), now=NOW, lo=-2, hi=1)
    assert compared == [code(98), code(99), code(100), code(101)]


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"lo": 1, "hi": 0}, ValueError), ({"lo": -21, "hi": 20}, ValueError), ({"lo": 0.0, "hi": 0}, TypeError),
    ({"lo": 0, "hi": 0, "code": "12345"}, InvalidCodeFormat),
])
def test_matching_steps_errors(kwargs: dict, error: type[Exception]) -> None:
    with pytest.raises(error):
        matching_steps(KEY, **{"code": code(OURS), "now": NOW, **kwargs})


@pytest.mark.parametrize(("offset", "learned"), [(-3, -2), (-2, -1), (-1, 0), (0, 0), (1, 1), (2, 2), (10, 10)])
def test_the_setup_code_teaches_the_offset_a_code_before_ours_counts_as_typed_as_it_changed(offset, learned):
    assert drift.drift_at_setup(offset) == learned


@pytest.mark.parametrize(("drift_steps", "accept", "offsets"), [
    (0, drift.CURRENT_AND_PREVIOUS, (-1, 0)), (0, CURRENT, (0, 0)), (2, drift.CURRENT_AND_PREVIOUS, (1, 2)),
    (-3, CURRENT, (-3, -3)), (10, drift.CURRENT_AND_PREVIOUS, (9, 10)),
])
def test_accepted_offsets_never_go_past_the_learned_one(drift_steps, accept, offsets):
    assert drift.accepted_offsets(drift_steps, accept) == offsets


@pytest.mark.parametrize(("drift_steps", "accept"), [(11, CURRENT), (-11, CURRENT), (0, "window"), (0, "")])
def test_accepted_offsets_refuse_an_offset_outside_the_band_or_another_setting(drift_steps, accept):
    with pytest.raises(ValueError):
        drift.accepted_offsets(drift_steps, accept)


# The verdict on the code of each step around ours (100) with nothing learned: the app's step and the one
# before it are accepted; 10 steps either side get a clock verdict; further off is a wrong code.
@pytest.mark.parametrize(("step", "outcome"), [
    (89, WRONG), (90, CLOCK), (98, CLOCK), (99, ACCEPTED), (100, ACCEPTED), (101, CLOCK), (110, CLOCK),
    (111, WRONG),
])
def test_verdicts_around_our_step(step: int, outcome: str) -> None:
    verdict = check(KEY, code(step), now=NOW, state=ClockState())
    assert verdict.outcome == outcome
    if outcome == ACCEPTED:
        assert (verdict.step, verdict.state) == (step, ClockState())
    if outcome == CLOCK:
        assert (verdict.step, verdict.offset, verdict.state) == (step, step - OURS, ClockState(0, step, step - OURS))


def test_only_the_current_step_with_current() -> None:
    assert check(KEY, code(100), now=NOW, state=ClockState(), accept=CURRENT).outcome == ACCEPTED
    late = check(KEY, code(99), now=NOW, state=ClockState(), accept=CURRENT)
    assert (late.outcome, late.offset) == (CLOCK, -1)


def test_the_learned_offset_moves_the_accepted_steps() -> None:
    ahead = ClockState(drift=3)
    assert [check(KEY, code(step), now=NOW, state=ahead).outcome for step in (101, 102, 103, 104)] == [
        CLOCK, ACCEPTED, ACCEPTED, CLOCK]
    behind = ClockState(drift=-2)
    assert [check(KEY, code(step), now=NOW, state=behind).outcome for step in (96, 97, 98, 99, 100)] == [
        CLOCK, ACCEPTED, ACCEPTED, CLOCK, CLOCK]


def test_a_wrong_code_changes_nothing() -> None:
    state = ClockState(drift=1, clock_step=95, clock_drift=None)
    assert check(KEY, "000000", now=NOW, state=state) == drift.Verdict(WRONG, state)


def test_an_already_used_step_gets_no_clock_verdict() -> None:
    assert check(KEY, code(97), now=NOW, state=ClockState(), last_used_step=97).outcome == WRONG
    assert check(KEY, code(97), now=NOW, state=ClockState(), last_used_step=96).outcome == CLOCK
    # In the accepted steps the replay guard is the caller's: the step is returned, to fail the claim.
    assert check(KEY, code(100), now=NOW, state=ClockState(), last_used_step=100).step == 100


def test_the_code_of_a_clock_verdict_never_works_later() -> None:
    told = check(KEY, code(103), now=NOW, state=ClockState()).state
    assert told == ClockState(0, 103, 3)
    # Three steps later step 103 is ours: its code, already answered, is refused as used, not accepted.
    assert check(KEY, code(103), now=NOW + 90, state=told).outcome == USED
    assert check(KEY, code(103), now=NOW + 90, state=ClockState(0, 103, None)).outcome == USED
    assert check(KEY, code(102), now=NOW + 90, state=told).outcome == ACCEPTED


def test_no_second_clock_verdict_while_the_first_could_still_come_in() -> None:
    told = ClockState(0, 103, 3)
    assert check(KEY, code(105), now=NOW, state=told) == drift.Verdict(WRONG, told)
    assert check(KEY, code(97), now=NOW, state=told) == drift.Verdict(WRONG, told)
    # Once step 103 is older than any offset could accept (more than 11 steps behind ours), or used up:
    assert check(KEY, code(117), now=NOW + 15 * 30, state=told).outcome == CLOCK
    after_use = check(KEY, code(106), now=NOW + 120, state=ClockState(0, 103, None), last_used_step=103)
    assert (after_use.outcome, after_use.offset) == (CLOCK, 2)


def test_a_later_code_at_the_same_offset_teaches_it() -> None:
    told = check(KEY, code(103), now=NOW, state=ClockState()).state
    learned = check(KEY, code(104), now=NOW + 30, state=told)
    assert (learned.outcome, learned.step, learned.state) == (ACCEPTED, 104, ClockState(3, 103, None))
    # Answered at our step 100 about step 102; at our step 102 the code of 103 is offset 1, the step before 2:
    typed_as_it_changed = check(KEY, code(103), now=NOW + 60, state=ClockState(0, 102, 2))
    assert (typed_as_it_changed.step, typed_as_it_changed.state) == (103, ClockState(2, 102, None))
    with_current = check(KEY, code(103), now=NOW + 60, state=ClockState(0, 102, 2), accept=CURRENT)
    assert with_current.outcome == WRONG  # one step only: the offset must be the same (and 102 is held)


def test_the_confirming_code_must_come_within_ten_steps() -> None:
    told = ClockState(0, 103, 3)  # answered at our step 100
    assert check(KEY, code(113), now=NOW + 300, state=told).state.drift == 3
    late = check(KEY, code(114), now=NOW + 330, state=told)
    assert late == drift.Verdict(WRONG, told)  # too late to confirm, and step 103 is still held


def test_a_code_at_the_learned_offset_one_step_from_the_clock_verdict_moves_the_offset() -> None:
    # Learned 2 ahead; the phone was set to automatic: its code typed as it changed got a clock verdict
    # (step 99, offset -1), the next one is from our step 100 (offset 0, accepted as the step before 101).
    state = ClockState(drift=1, clock_step=99, clock_drift=-1)
    moved = check(KEY, code(100), now=NOW, state=state)
    assert (moved.outcome, moved.state) == (ACCEPTED, ClockState(0, 99, None))
    up = check(KEY, code(100), now=NOW, state=ClockState(drift=0, clock_step=101, clock_drift=1))
    assert up.state == ClockState(1, 101, None)  # the app showed 101, then 100: its current step is 101
    far = check(KEY, code(100), now=NOW, state=ClockState(drift=0, clock_step=104, clock_drift=4))
    assert far.state == ClockState(0, 104, None)  # three steps apart: no lesson, and the pending offset ends


@pytest.mark.parametrize("accept, width", [(drift.CURRENT_AND_PREVIOUS, 2), (CURRENT, 1)])
def test_a_guess_is_checked_against_two_codes_at_most_never_one_past_the_learned_offset(accept, width):
    """The README's bound on guessing codes: for every learned offset, the codes a sign-in accepts are those of
    the app's step and (with current-and-previous) the one before it; with an offset pending after a clock
    answer, at most as many again, none past that offset."""
    band = range(OURS - 11, OURS + 11)
    for learned in range(-10, 11):
        accepted = {step for step in band if check(KEY, code(step), now=NOW, state=ClockState(learned),
                                                   accept=accept).accepted}
        assert accepted == set(range(OURS + learned - width + 1, OURS + learned + 1))
        pending = ClockState(learned, OURS - 12, -10)  # answered 2 steps ago about a phone 5 minutes behind
        with_pending = {step for step in band if check(KEY, code(step), now=NOW, state=pending,
                                                       accept=accept).accepted}
        assert with_pending - accepted == set(range(OURS - 10 - width + 1, OURS - 9)) - accepted
