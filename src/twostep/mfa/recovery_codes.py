"""Recovery codes: their format, their keyed hash, issuing a set and claiming one code.

A code is 10 characters from Crockford's base32 alphabet (no i, l, o, u), drawn with ``secrets``:
50 bits each, shown as ``xxxxx-xxxxx``. Input is normalized (case, spaces, dashes, and o/i/l read as
0/1/1) before hashing.

Why HMAC-SHA256 and not a password hasher: the codes are random with 50 bits each, so a fast hash
cannot be brute-forced from a leaked table (and the key, derived from SECRET_KEY, is needed too),
while argon2 per code would make every sign-in try up to 10 slow hashes. A keyed hash is also
deterministic, so a sign-in is one indexed, conditional UPDATE: the single-use guard.

These functions run inside the caller's transaction and write no audit events (see ``recovery``).
"""

import secrets
from datetime import datetime

from django.conf import settings
from django.utils.crypto import salted_hmac

from twostep.mfa.models import RecoveryCode

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base32, lower-case: 5 bits per character
LENGTH = 10
COUNT = 10
LOW = 3  # at or below this many unused codes the user is warned
_READ_AS = str.maketrans({"o": "0", "i": "1", "l": "1", " ": None, "-": None, "\t": None})
_KEY_SALT = "twostep.mfa.recovery_codes"


def new_code() -> str:
    """A fresh normalized code (10 characters, 50 bits from ``secrets``)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """``abcde12345`` -> ``abcde-12345``."""
    half = LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def normalize(text: str) -> str | None:
    """The normalized code typed as ``text``, or None when it cannot be a code (wrong length or letters)."""
    code = (text or "").strip().lower().translate(_READ_AS)
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def code_hash(user_id: int, code: str, *, secret: str | None = None) -> str:
    """Hex HMAC-SHA256 of a normalized code, keyed from ``secret`` (default SECRET_KEY) and bound to the user."""
    return salted_hmac(_KEY_SALT, f"{user_id}:{code}", secret=secret, algorithm="sha256").hexdigest()


def _candidate_hashes(user_id: int, code: str) -> list[str]:
    # SECRET_KEY_FALLBACKS keep codes issued before a key rotation working.
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [code_hash(user_id, code, secret=key) for key in keys]


def issue(user, *, moment: datetime) -> list[str]:
    """Replace the user's codes with ``COUNT`` new ones; returns them for display (``xxxxx-xxxxx``), once."""
    codes = [new_code() for _ in range(COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=code_hash(user.pk, code), created_at=moment) for code in codes
    )
    return [display(code) for code in codes]


def claim(user, code: str, *, moment: datetime) -> bool:
    """Atomically mark the unused code ``code`` (normalized) as used; False when no unused code matches.

    The conditional UPDATE ... WHERE used_at IS NULL is the guard: of two requests racing with one
    code, the database lets exactly one change the row.
    """
    hashes = _candidate_hashes(user.pk, code)
    return RecoveryCode.objects.filter(user=user, code_hash__in=hashes, used_at__isnull=True).update(
        used_at=moment) == 1


def was_used(user, code: str) -> bool:
    """True when ``code`` (normalized) is one of the user's codes that was already used."""
    hashes = _candidate_hashes(user.pk, code)
    return RecoveryCode.objects.filter(user=user, code_hash__in=hashes, used_at__isnull=False).exists()


def unused(user, codes: list[str]) -> list[str]:
    """Those of ``codes`` (as typed) that are the user's unused codes, normalized and in order."""
    wanted = {}
    for text in codes:
        code = normalize(text)
        if code is not None:
            wanted.update({digest: code for digest in _candidate_hashes(user.pk, code)})
    found = set(RecoveryCode.objects.filter(user=user, code_hash__in=wanted, used_at__isnull=True)
                .values_list("code_hash", flat=True))
    return list(dict.fromkeys(code for digest, code in wanted.items() if digest in found))


def remaining(user) -> int:
    """How many unused codes the user has."""
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def delete_all(user) -> int:
    """Delete every code of the user; returns how many there were."""
    return RecoveryCode.objects.filter(user=user).delete()[0]

