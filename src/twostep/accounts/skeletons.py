"""Filling in the look-alike key (``User.email_skeleton``) of existing accounts, and reporting the accounts
that cannot have one: an address ``canonical_email`` refuses, or one that looks the same as another
account's. Used by migration ``accounts.0003_user_email_skeleton`` (with its historical model),
``twostep email-skeletons`` and the check run by ``twostep check --database default`` and ``migrate``.

Of two accounts that look the same, the first by id keeps the key, unless only the second already has its
address in canonical form; the other is left without a key and reported. Nothing is deleted or renamed
without the operator: README, *Look-alike addresses*.
"""

from dataclasses import dataclass

from django.db import transaction

from twostep.accounts.addresses import (
    AddressError,
    InvalidAddressError,
    UnusualCharactersError,
    canonical_email,
    email_skeleton,
    unambiguous,
)

LOOK_ALIKE = "look_alike"
NO_KEY = "no_key"
WHAT = {
    UnusualCharactersError.code: "its address contains invisible or unusual characters",
    InvalidAddressError.code: "its address is not a valid e-mail address",
    NO_KEY: "it has no look-alike key yet",
}


@dataclass(frozen=True)
class Problem:
    """An account left without a look-alike key: ``code`` is a refusal's code, ``look_alike`` (then
    ``other_pk`` is the account it looks like) or ``no_key``."""

    pk: int
    email: str
    code: str
    other_pk: int | None = None
    other_email: str = ""

    def __str__(self) -> str:
        account = f"account {self.pk} ({unambiguous(self.email)})"
        if self.code == LOOK_ALIKE:
            return f"{account} looks the same as account {self.other_pk} ({unambiguous(self.other_email)})"
        return f"{account}: {WHAT[self.code]}"


def _compute(email: str) -> tuple[str | None, str | None, str | None]:
    """(canonical address, skeleton, None) or (None, None, the refusal's code)."""
    try:
        address = canonical_email(email)
    except AddressError as exc:
        return None, None, exc.code
    return address, email_skeleton(address), None


def assign_skeletons(model, *, batch_size: int = 500) -> list[Problem]:
    """Give every account of ``model`` its canonical address and skeleton, in batches by id, each batch one
    transaction; returns the accounts left without a key."""
    problems: list[Problem] = []
    last = 0
    while True:
        rows = list(model._default_manager.filter(pk__gt=last).order_by("pk")
                    .values_list("pk", "email", "email_skeleton")[:batch_size])
        if not rows:
            return problems
        last = rows[-1][0]
        with transaction.atomic():
            problems.extend(_assign_batch(model, rows))


def _assign_batch(model, rows) -> list[Problem]:
    computed = [(pk, email, stored, *_compute(email)) for pk, email, stored in rows]
    manager = model._default_manager
    holders = dict(manager.filter(email_skeleton__in=[c[4] for c in computed if c[4]])
                   .values_list("email_skeleton", "pk"))
    owners = dict(manager.filter(email__in=[c[3] for c in computed if c[3]]).values_list("email", "pk"))
    problems, freed, changed = [], [], []
    for pk, email, stored, address, skeleton, refusal in computed:
        other = None if refusal else next((o for o in (holders.get(skeleton), owners.get(address))
                                           if o not in (None, pk)), None)
        if refusal or other:
            problems.append(Problem(pk, email, refusal or LOOK_ALIKE, other))
            if stored is not None:
                freed.append(pk)
                holders.pop(stored, None)
            continue
        holders[skeleton], owners[address] = pk, pk
        if (address, skeleton) != (email, stored):
            changed.append(model(pk=pk, email=address, email_skeleton=skeleton))
    manager.filter(pk__in=freed).update(email_skeleton=None)
    manager.bulk_update(changed, ["email", "email_skeleton"])
    return _with_other_emails(model, problems)


def _with_other_emails(model, problems: list[Problem]) -> list[Problem]:
    emails = dict(model._default_manager.filter(pk__in=[p.other_pk for p in problems if p.other_pk])
                  .values_list("pk", "email"))
    return [Problem(p.pk, p.email, p.code, p.other_pk, emails.get(p.other_pk, "")) for p in problems]


def unresolved(model, *, limit: int) -> tuple[int, list[Problem]]:
    """How many accounts have no look-alike key, and why for the first ``limit`` of them (by id)."""
    pending = model._default_manager.filter(email_skeleton__isnull=True).order_by("pk")
    problems = []
    for user in pending[:limit]:
        address, skeleton, refusal = _compute(user.email)
        other = None if refusal else model._default_manager.look_alike(address, exclude_pk=user.pk)
        code = refusal or (LOOK_ALIKE if other else NO_KEY)
        problems.append(Problem(user.pk, user.email, code, other and other.pk, other.email if other else ""))
    return pending.count(), problems
