"""``twostep audit-prune --before DATE [--batch-size N]``: delete the audit events older than DATE, the one
retention path of the append-only trail (``twostep.audit.retention``; on PostgreSQL the table refuses any other
DELETE). ``--before`` is exclusive; a date without a time means its midnight UTC; it may not lie in the future.
Export what you must keep first (``twostep audit-export --until DATE``)."""

from django.core.management.base import BaseCommand, CommandError

from twostep.audit import retention
from twostep.clock import now as clock_now
from twostep.mfa.recovery.reset import OPERATOR
from twostep.ops.management.commands.audit_export import parse_moment


class Command(BaseCommand):
    help = ("Delete audit events that occurred before --before (ISO 8601 date or time, exclusive), in batches, "
            "and record that it was done (audit.pruned).")

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="delete events before this time (exclusive), ISO 8601")
        parser.add_argument("--batch-size", type=int, default=retention.DEFAULT_BATCH_SIZE,
                            help=f"events deleted per transaction (default {retention.DEFAULT_BATCH_SIZE})")

    def handle(self, *args, before: str, batch_size: int, **options):
        moment = parse_moment(before)
        if moment.timestamp() > clock_now():
            raise CommandError(f"--before {before} lies in the future: that would delete events being written now.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        deleted = retention.prune_events(moment, actor=OPERATOR, batch_size=batch_size)
        self.stdout.write(f"Deleted {deleted} audit events from before {moment.isoformat()}.")
