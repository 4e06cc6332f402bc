"""``twostep mfa-reset EMAIL --identity-check CHECK --reason "..." [--ticket T] [--lift-hold]``: the support
console's reset, for operators."""

from django.core.management.base import BaseCommand, CommandError

from twostep.mfa.models import IdentityCheck
from twostep.mfa.recovery.reset import OPERATOR, NothingToResetError, ReasonRequiredError
from twostep.mfa.staff.identity import IdentityCheckRequiredError
from twostep.support.commands import IDENTITY_HELP, user_by_address
from twostep.support.services import reset_user_mfa

HOLD_REMAINS = (" The account remains on hold: nobody can sign in to it until the hold is lifted (--lift-hold, or "
                "twostep lift-hold).")


class Command(BaseCommand):
    help = ("Reset a user's multi-factor authentication: delete their authenticator app and recovery codes, "
            "clear lockouts, end their sessions, audit it and e-mail them. They set it up again at their next "
            "sign-in. An account on hold stays on hold unless --lift-hold is given.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="the user's e-mail address")
        parser.add_argument("--reason", required=True, help="why, and the details of the check (audited)")
        parser.add_argument("--identity-check", required=True, choices=IdentityCheck.values, metavar="CHECK",
                            help=IDENTITY_HELP)
        parser.add_argument("--ticket", default="", help="ticket reference (optional, audited)")
        parser.add_argument("--lift-hold", action="store_true",
                            help="also lift the hold the account is under (after checking who asked)")

    def handle(self, *args, email: str, reason: str, identity_check: str, ticket: str, lift_hold: bool, **options):
        user = user_by_address(email)
        try:
            record = reset_user_mfa(user, actor=OPERATOR, reason=reason, identity_check=identity_check, ticket=ticket,
                                    lift_hold=lift_hold)
        except (ReasonRequiredError, IdentityCheckRequiredError, NothingToResetError) as exc:
            raise CommandError(exc.message) from exc
        hold = " The hold on the account was lifted." if record.hold_lifted else HOLD_REMAINS if record.on_hold else ""
        self.stdout.write(f"MFA of {user.email} was reset (record {record.pk}): authenticators and recovery codes "
                          f"deleted, sessions ended, e-mail sent. They set up MFA at their next sign-in.{hold}")

