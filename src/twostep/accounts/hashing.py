"""Password hashing: Argon2id with this deployment's parameters, read once from Django settings.

| setting                      | default | meaning                                                    |
|------------------------------|---------|------------------------------------------------------------|
| TWOSTEP_ARGON2_TIME_COST     | 2       | passes over the memory                                     |
| TWOSTEP_ARGON2_MEMORY_COST   | 102400  | KiB of memory per hash (100 MiB)                           |
| TWOSTEP_ARGON2_PARALLELISM   | 8       | lanes (argon2-cffi runs them on threads)                   |

The defaults are Django's ``Argon2PasswordHasher``'s; the settings module reads each setting from the
environment variable of the same name (ranges in ``twostep.tuning``), ``twostep.accounts.conf`` reads them
from settings. Values below OWASP's minimum for Argon2id (19 MiB with 2 passes) are refused by the start-up
check here (``twostep.E030``-``E032``). A stored hash made with other parameters is replaced at the user's
next correct password: Django's ``check_password`` asks ``must_update``, which compares the hash's parameters
with these. ``twostep tune-argon2`` measures them.
"""

import dataclasses
import functools
from dataclasses import dataclass

import argon2
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.checks import Error, register
from django.core.signals import setting_changed
from django.dispatch import receiver

from twostep.accounts.conf import hashing_settings

MIN_TIME_COST = 2  # OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1 is its least Argon2id setting
MIN_MEMORY_COST = 19 * 1024  # KiB
KIB_PER_LANE = 8  # Argon2 needs at least 8 KiB of memory per lane
TUNE_HINT = "`twostep tune-argon2 --target-ms 250` prints values that fit this machine."


@dataclass(frozen=True)
class Argon2Parameters:
    time_cost: int  # passes
    memory_cost: int  # KiB
    parallelism: int  # lanes

    def __str__(self) -> str:
        return f"t={self.time_cost}, m={self.memory_cost:,} KiB, p={self.parallelism}"


@functools.cache
def argon2_parameters() -> Argon2Parameters:
    """The deployment's parameters, read from settings on first use (``setting_changed`` forgets them)."""
    chosen = hashing_settings()
    return Argon2Parameters(chosen.argon2_time_cost, chosen.argon2_memory_cost, chosen.argon2_parallelism)


@receiver(setting_changed)
def _forget_parameters(*, setting: str, **kwargs) -> None:
    if setting.startswith("TWOSTEP_ARGON2_"):
        argon2_parameters.cache_clear()


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Django's Argon2id hasher (same ``argon2$argon2id$...`` encoding, so every stored hash stays
    verifiable) with the parameters of ``argon2_parameters()``. Django's hasher takes its parameters only
    through ``params()``, for new hashes (``encode``) and for ``must_update``."""

    def params(self) -> argon2.Parameters:
        chosen = argon2_parameters()
        djangos = super().params()  # type: ignore[misc]  # django-stubs 5.2 do not declare params()
        return dataclasses.replace(djangos, time_cost=chosen.time_cost, memory_cost=chosen.memory_cost,
                                   parallelism=chosen.parallelism)


def parameter_errors(parameters: Argon2Parameters) -> list[Error]:
    """One error per parameter below OWASP's minimum (or Argon2's own: 8 KiB per lane)."""
    errors = []
    if parameters.time_cost < MIN_TIME_COST:
        errors.append(Error(f"TWOSTEP_ARGON2_TIME_COST is {parameters.time_cost}: it must be at least "
                            f"{MIN_TIME_COST} (OWASP's minimum for Argon2id)", hint=TUNE_HINT, id="twostep.E030"))
    if parameters.memory_cost < MIN_MEMORY_COST:
        errors.append(Error(f"TWOSTEP_ARGON2_MEMORY_COST is {parameters.memory_cost} KiB: it must be at least "
                            f"{MIN_MEMORY_COST} KiB (19 MiB, OWASP's minimum for Argon2id)", hint=TUNE_HINT,
                            id="twostep.E031"))
    if parameters.parallelism < 1 or parameters.memory_cost < KIB_PER_LANE * parameters.parallelism:
        errors.append(Error(f"TWOSTEP_ARGON2_PARALLELISM is {parameters.parallelism}: it must be at least 1 and at "
                            f"most TWOSTEP_ARGON2_MEMORY_COST / {KIB_PER_LANE}", id="twostep.E032"))
    return errors


@register()
def check_argon2_parameters(app_configs, **kwargs) -> list[Error]:
    """Start-up check (every ``twostep`` command, ``twostep serve`` included): OWASP's minimum."""
    return parameter_errors(argon2_parameters())
