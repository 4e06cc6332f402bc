"""``twostep mfa-reset EMAIL --reason "..." [--ticket T]``: the support console's reset, for operators."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from twostep.accounts.models import normalize_email
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
        user = get_user_model()._default_manager.filter(email=normalize_email(email)).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {email!r}.")
        try:
            record = reset_user_mfa(user, actor=OPERATOR, reason=reason, ticket=ticket)
        except (ReasonRequiredError, NothingToResetError) as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"MFA of {user.email} was reset (record {record.pk}): authenticators and recovery codes "
                          "deleted, sessions ended, e-mail sent. They set up MFA at their next sign-in.")
