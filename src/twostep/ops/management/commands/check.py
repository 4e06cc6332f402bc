"""``twostep check``: Django's system checks and twostep's; the production profile adds --deploy."""

from django.conf import settings
from django.core.management.commands.check import Command as DjangoCheckCommand


class Command(DjangoCheckCommand):
    help = DjangoCheckCommand.help + " The production profile always includes the deployment checks (--deploy)."

    def handle(self, *app_labels, **options):
        if settings.PRODUCTION:
            options["deploy"] = True
        super().handle(*app_labels, **options)
