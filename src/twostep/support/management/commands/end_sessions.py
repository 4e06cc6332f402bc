"""``twostep end-sessions EMAIL``: sign a user out on every browser and device, for operators."""

from django.core.management.base import BaseCommand

from twostep.accounts import sessions
from twostep.mfa.recovery.reset import OPERATOR
from twostep.support.commands import user_by_address


class Command(BaseCommand):
    help = ("End every session of a user on every browser and device: they sign in again (password, and code "
            "where MFA applies) at their next request. Audited.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="the user's e-mail address")

    def handle(self, *args, email: str, **options):
        user = user_by_address(email)
        sessions.end_sessions(user, actor=OPERATOR, by=sessions.BY_OPERATOR)
        self.stdout.write(f"Every session of {user.email} was ended: they sign in again at their next request.")
