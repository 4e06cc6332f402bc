"""Password rules of our own, beside Django's validators (``AUTH_PASSWORD_VALIDATORS``)."""

from django.core.exceptions import ValidationError

# The sign-in and step-up forms take passwords up to this many characters; a longer one could be set
# but never used to sign in.
MAX_PASSWORD_LENGTH = 4096


class MaximumLengthValidator:
    """Refuse passwords longer than ``max_length`` characters (default 4096)."""

    def __init__(self, max_length: int = MAX_PASSWORD_LENGTH):
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(f"This password is too long: use at most {self.max_length} characters.",
                                  code="password_too_long", params={"max_length": self.max_length})

    def get_help_text(self) -> str:
        return f"Your password can't be longer than {self.max_length} characters."
