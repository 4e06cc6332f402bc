"""Recovery codes: their format, how they are stored, issuing a set and claiming one code.

A code is 10 characters from Crockford's base32 alphabet (no i, l, o, u), drawn with ``secrets``:
50 bits each, shown as ``xxxxx-xxxxx``. Input is normalized (case, spaces, dashes, and o/i/l read as
0/1/1) before hashing.

Storage: a look-up secret of fewer than 112 bits must be stored with a password hashing function and a random
salt (OWASP ASVS 5.0 6.5.2, NIST SP 800-63B 5.1.2.2), so a copy of the database, even with the secret key, does
not give the codes away to a search of their 2**50 values. Each code is stored as an Argon2id hash (PHC string)
with its own 16-byte random salt and OWASP's parameters for passwords (``HASHING``: 19 MiB, 2 passes, 1 lane).
Checking a typed code means checking it against each unused code of the user (then each used one, to tell "used"
from "wrong"): at most ``COUNT`` hashes, about 20 ms of CPU each (``python bench/recovery_code_cost.py``).
Codes of at least 112 bits (23 characters) would have allowed a fast hash, at the price of typing them from paper.

Codes issued before are HMAC-SHA256 (hex) keyed from SECRET_KEY (``SECRET_KEY_FALLBACKS`` too): a hash cannot be
rehashed without the code, so they are checked as before until used or replaced by a new set, which is Argon2id.

Single use: the matching row is marked with ``UPDATE ... WHERE id = ... AND used_at IS NULL``; of two requests
racing with one code, the database lets exactly one change it. These functions run inside the caller's
transaction and write no audit events (see ``services``).
"""

import hmac
import secrets
from datetime import datetime

import argon2
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

from twostep.mfa.conf import app_settings
from twostep.mfa.models import RecoveryCode

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base32, lower-case: 5 bits per character
LENGTH = 10
COUNT = 10
LOW = 3  # at or below this many unused codes the user is warned
_READ_AS = str.maketrans({"o": "0", "i": "1", "l": "1", " ": None, "-": None, "\t": None})
_KEY_SALT = "twostep.mfa.recovery_codes"  # of the HMAC-SHA256 of codes issued before Argon2id
# OWASP Password Storage Cheat Sheet's Argon2id minimum; settings.TWOSTEP_RECOVERY_CODE_HASHING may only raise
# it in production (the test suite lowers it, as it does the password hasher's cost).
HASHING = {"time_cost": 2, "memory_cost": 19_456, "parallelism": 1}  # passes, KiB, lanes
DOWNLOAD_CHECKS = 3 * COUNT  # hashes one download request may check (the shown codes, in their order)


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


def hashing() -> dict:
    """The Argon2id parameters of new hashes: ``HASHING``, or ``settings.TWOSTEP_RECOVERY_CODE_HASHING``."""
    return {**HASHING, **app_settings().recovery_code_hashing}


def check_hashing(profile: str) -> None:
    """In the production profile no Argon2id parameter may be below ``HASHING``; raises ImproperlyConfigured.
    Called when the apps are ready, like the password hasher's check (``twostep.config``)."""
    weaker = [name for name, value in HASHING.items() if hashing()[name] < value]
    if profile == "production" and weaker:
        raise ImproperlyConfigured(f"TWOSTEP_RECOVERY_CODE_HASHING may not lower {', '.join(weaker)} in the "
                                   "production profile: recovery codes are hashed with Argon2id at "
                                   "19 MiB, 2 passes, 1 lane at least")


def _hasher() -> argon2.PasswordHasher:
    return argon2.PasswordHasher(type=argon2.Type.ID, salt_len=16, hash_len=32, **hashing())


def code_hash(code: str) -> str:
    """The Argon2id PHC string of a normalized code, with a new 16-byte random salt (about 97 characters)."""
    return _hasher().hash(code)


def hmac_hash(user_id: int, code: str, *, secret: str | None = None) -> str:
    """Hex HMAC-SHA256 of a normalized code, keyed from ``secret`` (default SECRET_KEY) and bound to the user:
    how codes were stored before Argon2id."""
    return salted_hmac(_KEY_SALT, f"{user_id}:{code}", secret=secret, algorithm="sha256").hexdigest()


def _hmac_hashes(user_id: int, code: str) -> list[str]:
    # SECRET_KEY_FALLBACKS keep codes issued before a key rotation working.
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [hmac_hash(user_id, code, secret=key) for key in keys]


def _matches(stored: str, code: str, hmacs: list[str]) -> bool:
    """Whether ``stored`` is the hash of the normalized ``code`` (``hmacs``: its HMACs, for older rows)."""
    if stored.startswith("$argon2"):
        try:
            return _hasher().verify(stored, code)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False
    return any(hmac.compare_digest(stored, digest) for digest in hmacs)


def _find(user, code: str, *, used: bool) -> int | None:
    """The id of the user's code ``code`` (normalized) among the used or the unused ones, or None."""
    hmacs = _hmac_hashes(user.pk, code)
    rows = RecoveryCode.objects.filter(user=user, used_at__isnull=not used).order_by("id")
    return next((pk for pk, stored in rows.values_list("pk", "code_hash") if _matches(stored, code, hmacs)), None)


def issue(user, *, moment: datetime) -> list[str]:
    """Replace the user's codes with ``COUNT`` new ones; returns them for display (``xxxxx-xxxxx``), once."""
    codes = [new_code() for _ in range(COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=code_hash(code), created_at=moment) for code in codes
    )
    return [display(code) for code in codes]


def claim(user, code: str, *, moment: datetime) -> bool:
    """Atomically mark the unused code ``code`` (normalized) as used; False when no unused code matches.

    Checks the code against each unused code of the user (one Argon2id hash each, older HMAC rows cheaply);
    the conditional UPDATE ... WHERE used_at IS NULL of the matching row is the guard: of two requests racing
    with one code, the database lets exactly one change the row.
    """
    found = _find(user, code, used=False)
    return found is not None and RecoveryCode.objects.filter(pk=found, used_at__isnull=True).update(
        used_at=moment) == 1


def was_used(user, code: str) -> bool:
    """True when ``code`` (normalized) is one of the user's codes that was already used (checked against
    each used code only: with ``claim``, a wrong code costs one hash per code of the set)."""
    return _find(user, code, used=True) is not None


def unused(user, codes: list[str]) -> list[str]:
    """Those of ``codes`` (as typed) that are the user's unused codes, normalized and in order.

    Each is checked first against the code issued in its own position, if unused (the codes page posts them in
    the order they were issued), so a whole set costs about one hash per code; ``DOWNLOAD_CHECKS`` hashes at most.
    """
    rows = list(RecoveryCode.objects.filter(user=user).order_by("id").values_list("code_hash", "used_at"))
    found: list[str] = []
    taken = {index for index, (_, used_at) in enumerate(rows) if used_at is not None}  # positions kept
    budget = DOWNLOAD_CHECKS
    for position, code in enumerate(normalize(text) for text in codes):
        if code is None or code in found:
            continue
        hmacs = _hmac_hashes(user.pk, code)
        for index in [*range(position, len(rows)), *range(min(position, len(rows)))]:
            if index in taken:
                continue
            if budget == 0:
                return found
            budget -= 1
            if _matches(rows[index][0], code, hmacs):
                taken.add(index)
                found.append(code)
                break
    return found


def remaining(user) -> int:
    """How many unused codes the user has."""
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def delete_all(user) -> int:
    """Delete every code of the user; returns how many there were."""
    return RecoveryCode.objects.filter(user=user).delete()[0]

