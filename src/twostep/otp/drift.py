"""Which time steps a code may come from, given what was learned of the app's clock (RFC 6238 §5.2, §6).

Steps, not seconds, throughout: ``drift`` is the step the authenticator app shows minus our own step
``time_step(now)``, learned per authenticator (>0: the app's clock is ahead of ours).

- A sign-in accepts the step the app shows by that offset (our step + drift) and, with
  ``CURRENT_AND_PREVIOUS``, the step just before it, for a code typed as it changed; never a later step.
- A code that matches another step within ``CLOCK_BAND`` steps of ours gets a *clock* verdict: nothing is
  accepted, and the caller counts it as a wrong code and tells the user their phone's clock is off. That
  step is remembered (``clock_step``): its code is never accepted afterwards, so a clock answer about a
  future step does not hand out a code that would work later; and while it could still come into the
  accepted steps no second clock answer is given. The offset it showed is kept (``clock_drift``) for up to
  ``CLOCK_BAND`` steps: a later code that fits the same offset is accepted and that offset learned (two
  consecutive codes agreeing, like RFC 4226 §7.4's resynchronization); a code accepted at the learned
  offset but one step from the clock verdict's moves the learned offset by that step (the app showed
  both, so its current step is the later of the two). Either ends it.
- Why the offset does not follow every accepted code, as django-otp's ``drift`` does: that works with a
  window either side of the offset; with only the step before it accepted, a code typed as it changed
  would move the offset one step back each time, until the app's own current code was refused.

Standard library only, like the rest of ``twostep.otp``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .hotp import require_int
from .totp import matching_steps, time_step

CURRENT_AND_PREVIOUS = "current-and-previous"
CURRENT = "current"
ACCEPT_MODES = (CURRENT_AND_PREVIOUS, CURRENT)
CLOCK_BAND = 10  # steps either side of ours in which a code counts as from a clock that is off
MAX_DRIFT = CLOCK_BAND  # a learned offset stays within the band

ACCEPTED, WRONG, CLOCK, USED = "accepted", "wrong", "clock", "used"


@dataclass(frozen=True)
class ClockState:
    """What an authenticator keeps about its app's clock.

    ``drift``: learned offset in steps (-10..10). ``clock_step``: the step of the last code that got a clock
    verdict, or None. ``clock_drift``: the offset in steps that code showed while a later code may still
    confirm it, else None.
    """

    drift: int = 0
    clock_step: int | None = None
    clock_drift: int | None = None


@dataclass(frozen=True)
class Verdict:
    """The outcome of one code.

    ``outcome``: ACCEPTED (``step`` is the time step to claim, once, as the last used step), WRONG, CLOCK
    (``step`` is the step the code is from and ``offset`` that step minus ours, in steps: >0 the app is
    ahead) or USED (the code of ``clock_step`` again: refused like a replayed code). ``state`` is what to
    store with the outcome (for ACCEPTED, only if the step is claimed).
    """

    outcome: str
    state: ClockState
    step: int | None = None
    offset: int | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome == ACCEPTED


def accepted_offsets(drift: int, accept: str) -> tuple[int, int]:
    """(lo, hi): the offsets from our step, in steps, that a sign-in accepts with the learned ``drift``.

    (drift - 1, drift) with CURRENT_AND_PREVIOUS, (drift, drift) with CURRENT. Raises ValueError for another
    ``accept`` or a drift outside -10..10.
    """
    require_int("drift", drift)
    if accept not in ACCEPT_MODES:
        raise ValueError(f"accept must be one of {', '.join(ACCEPT_MODES)}, got {accept!r}")
    if abs(drift) > MAX_DRIFT:
        raise ValueError(f"drift must be between -{MAX_DRIFT} and {MAX_DRIFT} steps, got {drift}")
    return (drift - 1 if accept == CURRENT_AND_PREVIOUS else drift), drift


def drift_at_setup(offset: int) -> int:
    """The offset to learn from the code that confirms a new authenticator, ``offset`` steps from ours.

    A code from before our step counts as typed as it changed: the app's step is taken as one later (never
    later than ours: -1 gives 0, -3 gives -2). A code from our step or a later one is the app's step.
    """
    require_int("offset", offset)
    return offset + 1 if offset < 0 else offset


def check(
    key: bytes,
    code: str,
    *,
    now: int,
    state: ClockState,
    accept: str = CURRENT_AND_PREVIOUS,
    last_used_step: int | None = None,
    period: int = 30,
    digits: int = 6,
    algorithm: str = "sha1",
    t0: int = 0,
) -> Verdict:
    """The verdict on a sign-in ``code`` at Unix time ``now`` (seconds), given the app's ``state``.

    ``last_used_step`` is only used to leave already used steps out of clock verdicts (an old code is a
    wrong code); the replay guard stays the caller's: an ACCEPTED step may still be one already used, and
    claiming it must fail then. Computes the codes of every step from ``CLOCK_BAND`` + 1 before ours to
    ``CLOCK_BAND`` after it, whatever matches. Raises InvalidCodeFormat for a malformed code; ValueError or
    TypeError as ``matching_steps`` and ``accepted_offsets`` do.
    """
    current = time_step(now, period=period, t0=t0)
    lo, hi = accepted_offsets(state.drift, accept)
    matched = set(matching_steps(key, code, now=now, lo=-CLOCK_BAND - 1, hi=CLOCK_BAND, period=period,
                                 digits=digits, algorithm=algorithm, t0=t0))
    held = _held_step(state, current, last_used_step)
    pending = _pending_offset(state, current)
    # A later code than the clock verdict's, at the offset it showed (a pending offset implies that verdict's step).
    if pending is not None and state.clock_step is not None:
        confirming = {step for step in matched & _steps(current, *accepted_offsets(pending, accept))
                      if step > state.clock_step}
        if confirming:
            return Verdict(ACCEPTED, ClockState(pending, state.clock_step, None), step=max(confirming))
    usable = (matched & _steps(current, lo, hi)) - {held}
    if usable:
        step = max(usable)
        learned = state.drift
        if pending is not None and abs(step - current - pending) <= 1:  # the app moved by one step
            learned = max(pending, step - current)
        return Verdict(ACCEPTED, ClockState(learned, state.clock_step, None), step=step)
    if held is not None and held in matched:
        return Verdict(USED, state)
    return _clock_or_wrong(state, matched - _steps(current, lo, hi), current, held, last_used_step)


def _clock_or_wrong(state: ClockState, others: set[int], current: int, held: int | None,
                    last_used_step: int | None) -> Verdict:
    """A clock verdict for a code from another step within the band, unless one is held; else WRONG."""
    band = {step for step in others if abs(step - current) <= CLOCK_BAND
            and (last_used_step is None or step > last_used_step)}
    if not band or held is not None:
        return Verdict(WRONG, state)
    step = max(band)
    return Verdict(CLOCK, ClockState(state.drift, step, step - current), step=step, offset=step - current)


def _held_step(state: ClockState, current: int, last_used_step: int | None) -> int | None:
    """``clock_step`` while it could still be among the accepted steps (above the last used step and not
    older than the lowest step any offset accepts), else None."""
    step = state.clock_step
    if step is None or (last_used_step is not None and step <= last_used_step):
        return None
    return step if step >= current - MAX_DRIFT - 1 else None


def _pending_offset(state: ClockState, current: int) -> int | None:
    """``clock_drift`` while a code that fits it may still confirm it (``CLOCK_BAND`` steps), else None."""
    if state.clock_step is None or state.clock_drift is None:
        return None
    answered_at = state.clock_step - state.clock_drift  # our step when the clock verdict was given
    return state.clock_drift if current - answered_at <= CLOCK_BAND else None


def _steps(current: int, lo: int, hi: int) -> set[int]:
    return set(range(current + lo, current + hi + 1))
