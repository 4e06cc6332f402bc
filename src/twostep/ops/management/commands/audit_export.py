"""``twostep audit-export``: the audit trail as JSON lines, one event per line, oldest first.

Times are ISO 8601 in UTC. ``--since`` is inclusive, ``--until`` exclusive; a date without a time means
its midnight UTC. ``--organization SLUG`` exports what that organization's admins see on its audit page.
Bad arguments and an unwritable ``--output`` end with one line (CommandError); a reader that stops early
(``twostep audit-export | head``) ends the export quietly.
"""

import json
import os
import sys
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from twostep.audit.models import AuditEvent
from twostep.organizations.activity import events_for
from twostep.organizations.models import Organization

FIELDS = ("id", "occurred_at", "action", "outcome", "actor_id", "actor_label", "subject_id", "subject_label",
          "organization_id", "organization_label", "ip_address", "user_agent", "detail")


def parse_moment(value: str) -> datetime:
    """An aware datetime from ISO 8601 text (naive means UTC); raises CommandError for anything else."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not an ISO 8601 date or time, like 2026-11-30 or "
                           "2026-11-30T08:00:00+00:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def as_line(event: AuditEvent) -> str:
    row = {field: getattr(event, field) for field in FIELDS}
    row["occurred_at"] = event.occurred_at.astimezone(UTC).isoformat()
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


class Command(BaseCommand):
    help = "Write audit events as JSON lines (one event per line, oldest first) to stdout or a file."

    def add_arguments(self, parser):
        # Parsed in handle(), not by argparse: its type errors would print usage instead of one clear line.
        parser.add_argument("--since", help="from this time on (inclusive), ISO 8601")
        parser.add_argument("--until", help="before this time (exclusive), ISO 8601")
        parser.add_argument("--organization", metavar="SLUG", help="only the events of this organization")
        parser.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")

    def handle(self, *args, since, until, organization, output, **options):
        since, until = (None if value is None else parse_moment(value) for value in (since, until))
        events = self.select(since, until, organization)
        if output == "-":
            try:
                count = self.write(events, self.stdout)
            except BrokenPipeError:
                self.stop_writing()
                return
        else:
            try:
                with open(output, "w", encoding="utf-8") as handle:
                    count = self.write(events, handle)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from None
        self.stderr.write(f"Exported {count} audit events.")

    def stop_writing(self) -> None:
        """The reader went away: point the real standard output at /dev/null so that flushing it at exit
        raises nothing more."""
        if getattr(self.stdout, "_out", None) is sys.stdout:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)

    @staticmethod
    def write(events, handle) -> int:
        count = 0
        for event in events.iterator(chunk_size=2000):
            handle.write(as_line(event) + "\n")
            count += 1
        return count

    @staticmethod
    def select(since, until, slug):
        events = AuditEvent.objects.all()
        if slug is not None:
            organization = Organization.objects.filter(slug=slug).first()
            if organization is None:
                raise CommandError(f"There is no organization with the slug {slug!r}")
            events = events_for(organization)
        if since is not None:
            events = events.filter(occurred_at__gte=since)
        if until is not None:
            events = events.filter(occurred_at__lt=until)
        return events.order_by("occurred_at", "id")
