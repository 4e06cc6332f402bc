"""``twostep audit-prune --before DATE``: the retention path of the append-only audit trail (on SQLite here; the
database's own refusal of any other DELETE is in tests/postgres/test_audit_append_only.py)."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from twostep.audit import events
from twostep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def seed(clock, days_ago: list[int]) -> None:
    for days in days_ago:
        event = events.record(events.SIGNOUT, outcome="success", all_sessions=True)
        AuditEvent.objects.filter(pk=event.pk).update(occurred_at=clock.moment - timedelta(days=days))


def test_prune_deletes_what_is_older_in_batches_and_records_itself(clock):
    seed(clock, [400, 366, 365, 10])
    out = io.StringIO()
    call_command("audit_prune", "--before", "2025-11-30", "--batch-size", "1", stdout=out)  # 365 days before now
    assert out.getvalue() == "Deleted 2 audit events from before 2025-11-30T00:00:00+00:00.\n"
    kept = AuditEvent.objects.order_by("occurred_at")
    assert [(clock.moment - e.occurred_at).days for e in kept if e.action == "signout"] == [365, 10]
    pruned = AuditEvent.objects.get(action="audit.pruned")
    assert (pruned.actor_id, pruned.actor_label, pruned.detail, pruned.occurred_at) == (
        None, "operator (command line)", {"before": "2025-11-30T00:00:00+00:00", "deleted": 2}, clock.moment)


@pytest.mark.parametrize("arguments, message", [
    (["--before", "2026-12-01"], "--before 2026-12-01 lies in the future"),
    (["--before", "last year"], "'last year' is not an ISO 8601 date or time"),
    (["--before", "2025-01-01", "--batch-size", "0"], "--batch-size must be at least 1."),
    ([], "the following arguments are required: --before"),
])
def test_bad_arguments_delete_nothing(clock, arguments, message):
    seed(clock, [400])
    with pytest.raises(CommandError, match=message):
        call_command("audit_prune", *arguments)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["signout"]


def test_nothing_to_prune_is_still_recorded(clock):
    call_command("audit_prune", "--before", "2020-01-01", stdout=io.StringIO())
    assert list(AuditEvent.objects.values_list("action", "detail")) == [
        ("audit.pruned", {"before": "2020-01-01T00:00:00+00:00", "deleted": 0})]
