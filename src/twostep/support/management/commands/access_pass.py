"""``twostep access-pass EMAIL --reason "..." [--ticket T]``: the support console's temporary access pass,
for operators."""

from django.core.management.base import BaseCommand, CommandError

from twostep.errors import ServiceError
from twostep.mfa.conf import app_settings
from twostep.mfa.recovery.reset import OPERATOR
from twostep.support.commands import user_by_address
from twostep.support.lookup import duration
from twostep.support.services import issue_user_access_pass


class Command(BaseCommand):
    help = ("Issue a temporary access pass to a user who cannot receive e-mail: with their password it lets them "
            "set up multi-factor authentication once, in place of the code we would e-mail. Prints the pass once; "
            "it is stored only hashed.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="the user's e-mail address")
        parser.add_argument("--reason", required=True, help="how the request was checked (audited)")
        parser.add_argument("--ticket", default="", help="ticket reference (optional, audited)")

    def handle(self, *args, email: str, reason: str, ticket: str, **options):
        user = user_by_address(email)
        try:
            text, row = issue_user_access_pass(user, actor=OPERATOR, reason=reason, ticket=ticket)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        until = row.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        self.stdout.write(f"Temporary access pass for {user.email}: {text}\n"
                          f"Valid once, for {duration(app_settings().access_pass_lifetime)}, until {until}. "
                          "It is shown only now.\n"
                          "Tell the user: sign in with your password, open \"I can't receive e-mail\" and enter the "
                          "pass; it only lets you set up multi-factor authentication, once.")
