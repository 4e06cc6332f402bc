"""Retention of the audit trail: the one way old events leave it (``twostep audit-prune --before DATE``).

On PostgreSQL the table refuses DELETE (migration ``audit.0002_append_only_trigger``) unless the transaction has
set ``twostep.audit_prune`` to ``on``; ``prune_events`` sets it for each of its batches only (``set_config(...,
true)`` is local to the transaction), so nothing else in the same connection may delete. Each batch is one
transaction, so a long prune never holds a lock on millions of rows, and a stopped prune has deleted whole
batches only. The prune itself is audited (``audit.pruned``) after its last batch.
"""

from datetime import datetime

from django.db import connection, transaction

from twostep.audit import events
from twostep.audit.models import AuditEvent

DEFAULT_BATCH_SIZE = 1000


def _allow_delete() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('twostep.audit_prune', 'on', true)")


def _delete_batch(before: datetime, batch_size: int) -> int:
    with transaction.atomic():
        _allow_delete()
        ids = list(AuditEvent.objects.filter(occurred_at__lt=before).order_by("id")
                   .values_list("id", flat=True)[:batch_size])
        return AuditEvent.objects.filter(id__in=ids).delete()[0] if ids else 0


def prune_events(before: datetime, *, actor, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Delete every audit event that occurred before ``before`` (an aware datetime), ``batch_size`` rows a
    transaction, oldest first; then record ``audit.pruned`` (``actor`` a user or a label, ``before`` and
    ``deleted``). Returns how many were deleted. Raises ValueError for a ``batch_size`` below 1."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    deleted = 0
    while batch := _delete_batch(before, batch_size):
        deleted += batch
    with transaction.atomic():
        events.record(events.AUDIT_PRUNED, actor=actor, before=before.isoformat(), deleted=deleted)
    return deleted
