"""Secrets at rest: authenticated encryption (Fernet: AES-128-CBC + HMAC-SHA256) with key rotation.

``TWOSTEP_ENCRYPTION_KEYS`` is a list of Fernet keys, newest first. ``seal`` always uses the newest;
``unseal`` tries each in turn, so old rows stay readable until ``twostep rotate-keys`` re-seals them.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from twostep.mfa.conf import app_settings


class VaultError(Exception):
    code = "vault_error"


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _box() -> MultiFernet:
    return _multifernet(tuple(app_settings().encryption_keys))


def _newest() -> Fernet:
    return Fernet(app_settings().encryption_keys[0])


def seal(secret: bytes) -> str:
    """Encrypt ``secret`` with the newest key; returns an ASCII token (about 1.4x + 73 bytes long)."""
    return _box().encrypt(secret).decode("ascii")


def unseal(token: str) -> bytes:
    """Decrypt a token made by ``seal``; raises VaultError when no configured key opens it."""
    try:
        return _box().decrypt(token.encode("ascii"))
    except InvalidToken as exc:
        raise VaultError("No configured TWOSTEP_ENCRYPTION_KEYS key opens this secret") from exc


def reseal(token: str) -> str:
    """The same secret sealed with the newest key (used by key rotation)."""
    try:
        return _box().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise VaultError("No configured TWOSTEP_ENCRYPTION_KEYS key opens this secret") from exc


def is_current(token: str) -> bool:
    """True when the newest key opens ``token`` (key rotation has nothing to do for it)."""
    try:
        _newest().decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True
