"""``twostep rotate-keys``: re-seal every authenticator secret with the newest encryption key.

Rotation: put a new key first in ``TWOSTEP_ENCRYPTION_KEYS`` (keep the old ones after it), restart,
run this command, then drop the old keys. Rows are done in batches, each batch one transaction with the
rows locked, so sign-ins go on meanwhile and an interrupted run can simply be started again.
"""

from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from twostep.mfa.authenticators import vault
from twostep.mfa.models import Authenticator


@dataclass
class Tally:
    resealed: int = 0
    current: int = 0
    unreadable: list[int] = field(default_factory=list)  # authenticator ids


class Command(BaseCommand):
    help = "Re-seal every TOTP secret with the newest key of TWOSTEP_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (default 500)")

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        counts = Tally()
        ids = list(Authenticator.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            self._batch(ids[start:start + batch_size], counts)
        self.stdout.write(f"Authenticators: {len(ids)}; re-sealed with the newest key: {counts.resealed}; "
                          f"already on the newest key: {counts.current}; "
                          f"unreadable: {len(counts.unreadable)}")
        if counts.unreadable:
            raise CommandError("No configured key opens the secrets of authenticators "
                               f"{', '.join(map(str, counts.unreadable))}; they were left as they are")

    @staticmethod
    def _batch(ids: list[int], counts: Tally) -> None:
        with transaction.atomic():
            for row in Authenticator.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
                if vault.is_current(row.sealed_secret):
                    counts.current += 1
                    continue
                try:
                    row.sealed_secret = vault.reseal(row.sealed_secret)
                except vault.VaultError:
                    counts.unreadable.append(row.pk)
                    continue
                row.save(update_fields=["sealed_secret"])
                counts.resealed += 1
