"""Password rules of our own, beside Django's validators (``AUTH_PASSWORD_VALIDATORS``).

Passwords of any composition are allowed (OWASP ASVS 6.2.5): no rule asks for or forbids digits, letters or
symbols. What is refused is a password that is too long to sign in with, and one that contains a word anybody
who knows the account would try first (ASVS 6.2.11, ``ContextWordsValidator``).
"""

import unicodedata
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError

from twostep.accounts.conf import app_settings

# The sign-in and step-up forms take passwords up to this many characters; a longer one could be set
# but never used to sign in.
MAX_PASSWORD_LENGTH = 4096
PRODUCT_NAME = "twostep"
# Shorter words are not looked for: "ann" or "io" would refuse many unrelated passwords and add little.
MIN_WORD_LENGTH = 4

# The kinds of context word, each with the message a person sees (never the password itself).
SERVICE, ORGANIZATION, EMAIL = "service", "organization", "email"
MESSAGES = {
    SERVICE: "This password contains the name of this service. Choose one without it.",
    ORGANIZATION: "This password contains the name of your organization. Choose one without it.",
    EMAIL: "This password contains a part of your e-mail address. Choose one without it.",
}

# ``source(user) -> iterable of (kind, text)``: more context words, registered by the apps that know them
# (``organizations`` adds the names and slugs of the user's organizations in its AppConfig.ready), so this
# app imports none of them.
WordSource = Callable[[object], Iterable[tuple[str, str]]]
_sources: list[WordSource] = []


def register_context_words(source: WordSource) -> None:
    """Add ``source`` to the context words of every password check (once, however often it is registered)."""
    if source not in _sources:
        _sources.append(source)


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


def compact(text: str) -> str:
    """``text`` as words are compared: NFKC, case-folded, letters and digits only ("Acme-Labs" -> "acmelabs")."""
    return "".join(char for char in unicodedata.normalize("NFKC", text).casefold() if char.isalnum())


def _words(text: str) -> set[str]:
    """The whole of ``text`` and each of its runs of letters and digits, compacted, of MIN_WORD_LENGTH or more."""
    runs = "".join(char if char.isalnum() else " " for char in unicodedata.normalize("NFKC", text).casefold())
    return {word for word in {compact(text), *runs.split()} if len(word) >= MIN_WORD_LENGTH}


def _email_parts(email: str) -> list[str]:
    """The local part and the domain's labels but the top-level one (``ann.lee@mail.acme.example`` ->
    ``ann.lee``, ``mail``, ``acme``)."""
    local, _, domain = (email or "").rpartition("@")
    return [local, *domain.split(".")[:-1]] if local else []


def context_words(user) -> list[tuple[str, str]]:
    """``(kind, word)`` for every word a password of ``user`` (saved or not) must not contain."""
    found = [(SERVICE, text) for text in (PRODUCT_NAME, app_settings().issuer)]
    if user is not None:
        found += [(EMAIL, part) for part in _email_parts(getattr(user, "email", ""))]
        for source in _sources:
            found += list(source(user))
    return [(kind, word) for kind, text in found for word in sorted(_words(text))]


class ContextWordsValidator:
    """Refuse a password that contains, in any case and with any spaces or punctuation, the product's or the
    issuer's name (``TWOSTEP_ISSUER``), a part of the user's e-mail address (the local part, the domain's labels
    but the top-level one) or a word of the registered sources (the names and slugs of the user's
    organizations, and of those inviting them). Words shorter than MIN_WORD_LENGTH are not looked for.
    Code ``password_context_word``; the message names the kind of word, never the password."""

    def validate(self, password: str, user=None) -> None:
        typed = compact(password)
        for kind, word in context_words(user):
            if word in typed:
                raise ValidationError(MESSAGES[kind], code="password_context_word", params={"kind": kind})

    def get_help_text(self) -> str:
        return ("Your password can't contain the name of this service or of your organization, or a part of "
                "your e-mail address.")
