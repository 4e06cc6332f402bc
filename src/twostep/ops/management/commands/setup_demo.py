"""``twostep setup-demo``: migrate the database and seed the demo when it has no users yet."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from twostep.ops.demo import seed_demo


class Command(BaseCommand):
    help = "Migrate, and seed the demo organizations and users when the database is empty."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if get_user_model().objects.exists():
            self.stdout.write("Database already has users; demo not seeded again "
                              "(its passwords were printed the first time).")
            self.stdout.write(f"For a fresh demo on the default SQLite database: stop the server, delete "
                              f"{settings.DATA_DIR} and run `make run` again.")
            return
        accounts = seed_demo()
        self.stdout.write("Demo accounts (shown once; keep them):")
        for account in accounts:
            self.stdout.write(f"  {account.email}  password: {account.password}  — {account.note}")
