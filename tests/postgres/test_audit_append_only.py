"""On the real PostgreSQL the audit table is append-only in the database itself (OWASP ASVS 16.4.2): a raw
UPDATE, DELETE or TRUNCATE through any connection fails; only a transaction that set ``twostep.audit_prune``
(what ``twostep audit-prune`` does, batch by batch) may delete, and the setting ends with that transaction."""

import json

import psycopg
import pytest

pytestmark = pytest.mark.postgres

SEED = """
from datetime import timedelta
from django.utils import timezone
from twostep.audit.models import AuditEvent
for days in (400, 380, 5):  # inserted with their time: an UPDATE would be refused
    AuditEvent.objects.create(action="signout", occurred_at=timezone.now() - timedelta(days=days))
"""
PRUNE = """
import io, json
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
from twostep.audit.models import AuditEvent
out = io.StringIO()
before = (timezone.now() - timedelta(days=365)).date().isoformat()
call_command("audit_prune", "--before", before, "--batch-size", "1", stdout=out)
print(json.dumps({"out": out.getvalue(), "left": list(AuditEvent.objects.order_by("id").values_list("action",
                                                                                            flat=True))}))
"""


def refused(url: str, sql: str) -> str:
    """The SQLSTATE and message with which PostgreSQL refuses ``sql`` (a fresh connection, like any client's)."""
    with psycopg.connect(url, autocommit=True) as conn, pytest.raises(psycopg.Error) as error:
        conn.execute(sql)
    return f"{error.value.sqlstate} {error.value.diag.message_primary}"


def count(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]


def test_raw_changes_fail_and_the_prune_command_works(pg_app):
    url = pg_app.database_url
    pg_app.django(SEED)
    assert refused(url, "UPDATE audit_auditevent SET action = 'signin.succeeded'") == \
        "42501 audit_auditevent is append-only: UPDATE refused"
    assert refused(url, "DELETE FROM audit_auditevent") == "42501 audit_auditevent is append-only: DELETE refused"
    assert refused(url, "TRUNCATE audit_auditevent") == "42501 audit_auditevent is append-only: TRUNCATE refused"
    assert refused(url, "SELECT set_config('twostep.audit_prune', 'off', false); DELETE FROM audit_auditevent") \
        == "42501 audit_auditevent is append-only: DELETE refused"
    assert count(url) == 3

    with psycopg.connect(url) as conn:  # the documented path: only inside the transaction that set it
        conn.execute("SELECT set_config('twostep.audit_prune', 'on', true)")
        assert conn.execute("DELETE FROM audit_auditevent WHERE occurred_at > now() - interval '30 days'"
                            ).rowcount == 1
        conn.commit()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the next transaction of the same session
            conn.execute("DELETE FROM audit_auditevent")
    assert count(url) == 2

    result = json.loads(pg_app.django(PRUNE))
    assert result["out"].startswith("Deleted 2 audit events from before ")
    assert result["left"] == ["audit.pruned"]
    assert refused(url, "UPDATE audit_auditevent SET detail = '{}'") == \
        "42501 audit_auditevent is append-only: UPDATE refused"


def test_the_migration_reverses_cleanly(pg_app):
    pg_app.django(SEED)
    pg_app.django("from django.core.management import call_command; call_command('migrate', 'audit', '0001', "
                  "verbosity=0)")
    with psycopg.connect(pg_app.database_url, autocommit=True) as conn:
        assert conn.execute("UPDATE audit_auditevent SET detail = '{}'").rowcount == 3
    pg_app.migrate()
    assert refused(pg_app.database_url, "DELETE FROM audit_auditevent") == \
        "42501 audit_auditevent is append-only: DELETE refused"
