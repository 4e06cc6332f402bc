"""Finding the user an operator's command names by e-mail address (``twostep mfa-reset``, ``lift-hold``, ...)."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from twostep.accounts.addresses import AddressError, canonical_email, unambiguous
from twostep.mfa.models import IdentityCheck

IDENTITY_HELP = "how the person's identity was checked (audited): " + "; ".join(
    f"{check.value} = {check.label.lower()}" for check in IdentityCheck)


def user_by_address(email: str):
    """The user with exactly this address once canonical; a refused address or one that only looks like
    an account's is a CommandError (naming the look-alike account by id, for the operator to check)."""
    users = get_user_model()._default_manager
    try:
        address = canonical_email(email)
    except AddressError as exc:
        raise CommandError(f"{exc.message} ({unambiguous(email.strip())!r})") from None
    user = users.filter(email=address).first()
    if user is None:
        other = users.look_alike(address)
        hint = (f" Account {other.pk} has an address that looks the same: {unambiguous(other.email)}."
                if other else "")
        raise CommandError(f"No user has the e-mail address {unambiguous(address)!r}.{hint}")
    return user
