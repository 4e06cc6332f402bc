"""``twostep createsuperuser``: Django's command, with the address made canonical and checked like every
other address (``accounts.addresses``): refused characters, and an address that looks the same as an
existing account's, are refused at the prompt (or with ``--noinput``) with the reason."""

from django.contrib.auth.management.commands import createsuperuser

from twostep.accounts.addresses import LookAlikeAddressError, canonical_email
from twostep.accounts.models import User


class Command(createsuperuser.Command):
    def _validate_username(self, username, verbose_field_name, database):
        # Django's own checks of the typed address (given, valid, not taken); private, so not in django-stubs.
        error = super()._validate_username(username, verbose_field_name, database)  # type: ignore[misc]
        if error or not username:
            return error
        other = User.objects.db_manager(database).look_alike(canonical_email(username))  # AUTH_USER_MODEL
        return f"Error: {LookAlikeAddressError.message}" if other is not None else None
