"""What a person is told when their code is from another time step than the accepted ones: the clock of the
phone is off, the code changed in the app while it was typed, or the phone's clock changed since it was
learned. Offsets are in time steps (>0: the app is ahead of our clock), as ``twostep.otp.drift`` gives them."""

EXPIRED = "That code changed in your authenticator app before it reached us. Enter the code the app shows now."
CHANGED = ("The clock of your phone seems to have changed since you last used this authenticator app. "
           "Enter the next new code from the app.")
OFF = ("The clock of your phone seems to be about {amount} {direction}. Set your phone's date and time to "
       "automatic, then enter the new code from your authenticator app.")


def describe(seconds: int) -> str:
    """``seconds`` (its size, at least 30) rounded to the nearest half minute, as words: "30 seconds",
    "1 minute", "1½ minutes", "5 minutes"."""
    halves = max(int(abs(seconds) / 30 + 0.5), 1)
    if halves == 1:
        return "30 seconds"
    minutes = f"{halves // 2}{'½' if halves % 2 else ''}"
    return f"{minutes} minute{'' if halves == 2 else 's'}"


def message(offset: int, *, drift: int, period: int) -> str:
    """The message for a code ``offset`` steps from ours that the learned ``drift`` (steps) did not accept.

    The step just before the accepted one: the code changed while it was typed (only refused when just one
    step is accepted). A code that fits our own clock (``offset`` 0 or -1) while the learned offset is another:
    the phone's clock changed. Anything else: the phone's clock is off by about ``offset`` x ``period`` seconds.
    """
    if offset == drift - 1:
        return EXPIRED
    if offset in (0, -1):
        return CHANGED
    return OFF.format(amount=describe(offset * period), direction="ahead" if offset > 0 else "behind")
