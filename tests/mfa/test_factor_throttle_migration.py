"""Migration mfa.0005 carries today's counts, waits and locks from the confirmed authenticators to the one row per
user that every second factor shares, and back again when it is reversed."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from twostep.accounts.models import User
from twostep.mfa.models import FactorThrottle

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("mfa", "0007_drift_and_salted_recovery_codes")]
AFTER = [("mfa", "0008_factor_throttle")]
AT = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
UNTIL = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def old_rows():
    """Users 'locked', 'waiting', 'clean' with a confirmed authenticator, 'enrolling' with only an unconfirmed one
    that (wrongly) carries counts, as the schema before mfa.0005 kept them."""
    apps = migrate(BEFORE)
    authenticator = apps.get_model("mfa", "Authenticator")
    ids = {}
    for name, confirmed, failed, until, locked in [("locked", AT, 100, None, AT), ("waiting", AT, 7, UNTIL, None),
                                                   ("clean", AT, 0, None, None), ("enrolling", None, 3, UNTIL, None)]:
        ids[name] = User.objects.create_user(f"{name}@acme.example", None).pk  # accounts is not migrated back
        authenticator.objects.create(user_id=ids[name], sealed_secret="x", confirmed_at=confirmed,
                                     failed_attempts=failed, throttled_until=until, locked_at=locked)
    yield ids
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_counts_move_to_one_row_per_user_and_back(old_rows):
    migrate(AFTER)
    assert sorted(FactorThrottle.objects.values_list("user_id", "failures", "throttled_until", "locked_at")) == [
        (old_rows["locked"], 100, None, AT), (old_rows["waiting"], 7, UNTIL, None)]

    apps = migrate(BEFORE)
    authenticator = apps.get_model("mfa", "Authenticator")
    assert sorted(authenticator.objects.values_list("user_id", "failed_attempts", "throttled_until", "locked_at")) == [
        (old_rows["locked"], 100, None, AT), (old_rows["waiting"], 7, UNTIL, None),
        (old_rows["clean"], 0, None, None), (old_rows["enrolling"], 0, None, None)]
