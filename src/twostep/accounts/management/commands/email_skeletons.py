"""``twostep email-skeletons [--batch-size 500]``: fill in and recompute every account's look-alike key."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from twostep.accounts.skeletons import assign_skeletons


class Command(BaseCommand):
    help = ("Give every account its canonical e-mail address and look-alike key (Unicode TR39 skeleton): after "
            "resolving the accounts `twostep check --database default` lists, or after an ICU upgrade. Lists the "
            "accounts left without a key and exits with status 1 if there are any.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="accounts per transaction (default 500)")

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        problems = assign_skeletons(get_user_model(), batch_size=batch_size)
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} accounts were left without a look-alike key (listed above); "
                               "resolve them as README, *Look-alike addresses* says, then run this again.")
        self.stdout.write(f"Every account has its look-alike key ({get_user_model()._default_manager.count()}).")
