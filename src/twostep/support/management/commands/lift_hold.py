"""``twostep lift-hold EMAIL --identity-check CHECK --reason "..." [--ticket T]``: the support console's
*Lift the hold*, for operators (also for staff accounts, which support cannot lift)."""

from django.core.management.base import BaseCommand, CommandError

from twostep.mfa.disown.holds import HoldError
from twostep.mfa.models import IdentityCheck
from twostep.mfa.recovery.reset import OPERATOR
from twostep.mfa.staff.identity import IdentityCheckRequiredError
from twostep.support.commands import IDENTITY_HELP, user_by_address
from twostep.support.services import lift_user_hold


class Command(BaseCommand):
    help = ("Lift the hold on an account (placed when its owner said a new authenticator app was not theirs) "
            "after checking who the person is: they can sign in again. Audited and e-mailed to the user.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="the user's e-mail address")
        parser.add_argument("--reason", required=True, help="the details of the identity check (audited)")
        parser.add_argument("--identity-check", required=True, choices=IdentityCheck.values, metavar="CHECK",
                            help=IDENTITY_HELP)
        parser.add_argument("--ticket", default="", help="ticket reference (optional, audited)")

    def handle(self, *args, email: str, reason: str, identity_check: str, ticket: str, **options):
        user = user_by_address(email)
        try:
            lift_user_hold(user, actor=OPERATOR, reason=reason, identity_check=identity_check, ticket=ticket)
        except (HoldError, IdentityCheckRequiredError) as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"The hold on {user.email} was lifted: they can sign in again and were told by e-mail.")
