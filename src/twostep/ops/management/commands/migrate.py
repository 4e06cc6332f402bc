"""``twostep migrate``: Django's migrate, then the cache table when the cache is the database's (the demo
without ``REDIS_URL``, see ``twostep.ops.dbcache``), so a migrated database is ready to serve."""

from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrateCommand


class Command(DjangoMigrateCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        if not (options.get("plan") or options.get("check_unapplied")):
            call_command("createcachetable", database=options["database"], verbosity=options["verbosity"])
