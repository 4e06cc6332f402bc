"""``twostep mfa-reset EMAIL --reason "..." [--ticket T]``: the support console's reset, for operators."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from twostep.accounts.addresses import AddressError, canonical_email, unambiguous
from twostep.mfa.reset import OPERATOR, NothingToResetError, ReasonRequiredError
from twostep.support.services import reset_user_mfa


class Command(BaseCommand):
    help = ("Reset a user's multi-factor authentication: delete their authenticator app and recovery codes, "
            "clear lockouts, end their sessions, audit it and e-mail them. They set it up again at their next "
            "sign-in.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="the user's e-mail address")
        parser.add_argument("--reason", required=True, help="why, and how the request was checked (audited)")
        parser.add_argument("--ticket", default="", help="ticket reference (optional, audited)")

    def handle(self, *args, email: str, reason: str, ticket: str, **options):
        user = self.find(email)
        try:
            record = reset_user_mfa(user, actor=OPERATOR, reason=reason, ticket=ticket)
        except (ReasonRequiredError, NothingToResetError) as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"MFA of {user.email} was reset (record {record.pk}): authenticators and recovery codes "
                          "deleted, sessions ended, e-mail sent. They set up MFA at their next sign-in.")

    @staticmethod
    def find(email: str):
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
