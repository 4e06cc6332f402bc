"""``twostep check``: Django's system checks and twostep's; the production profile adds --deploy.

With ``--database default`` the running services are checked too (``twostep.ops.checks.check_services``):
PostgreSQL and Redis answer, migrations are applied, the static files are collected and the encryption
keys open the stored secrets.
"""

from django.conf import settings
from django.core.management.commands.check import Command as DjangoCheckCommand

NOT_CHECKED = ("twostep: PostgreSQL, Redis, migrations, static files and encryption keys were not checked; "
               "add --database default to check them\n")


class Command(DjangoCheckCommand):
    help = DjangoCheckCommand.help + (" The production profile always includes the deployment checks (--deploy); "
                                      "--database default adds the running services.")

    def handle(self, *app_labels, **options):
        if settings.PRODUCTION:
            options["deploy"] = True
            if not options.get("databases"):
                self.stderr.write(NOT_CHECKED, ending="")
        super().handle(*app_labels, **options)
