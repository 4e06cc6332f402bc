"""Password-reset links: Django's token generator, on the portal's clock.

A token is an HMAC over the user's id, password hash, last sign-in, e-mail address and the time it was
made, so it stops working once the password (or address) changes and after ``PASSWORD_RESET_TIMEOUT``
seconds. It reads the one clock of twostep (``twostep.clock``: the test clock in tests).
"""

from datetime import datetime

from django.contrib.auth.tokens import PasswordResetTokenGenerator

from twostep import clock


class ResetTokenGenerator(PasswordResetTokenGenerator):
    def _now(self) -> datetime:
        # Django compares naive local datetimes here (in whole seconds), so build the same kind.
        return datetime.fromtimestamp(clock.now())


reset_tokens = ResetTokenGenerator()
