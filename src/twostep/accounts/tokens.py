"""Password-reset links: Django's token generator, on the portal's clock.

A token is an HMAC over the user's id, password hash, last sign-in, e-mail address and the time it was
made, so it stops working once the password (or address) changes and after ``PASSWORD_RESET_TIMEOUT``
seconds. ``TWOSTEP_CLOCK`` (tests) replaces the wall clock, like everywhere else in twostep.
"""

from datetime import datetime

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from twostep.conf import app_settings


class ResetTokenGenerator(PasswordResetTokenGenerator):
    def _now(self) -> datetime:
        clock = app_settings().clock
        # Django compares naive local datetimes here, so build the same kind.
        return datetime.fromtimestamp(clock()) if clock is not None else super()._now()


reset_tokens = ResetTokenGenerator()
