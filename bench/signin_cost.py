"""What one sign-in costs and what one user weighs: the figures behind the README's *Scaling* estimate.

Run: python bench/signin_cost.py   (src/ and the repository are added to sys.path)

1. Argon2id password verification with the project's parameters (Django's defaults): wall and CPU time.
2. Database writes of one MFA sign-in (password step + code step) through the real views, counted
   statement by statement, on PostgreSQL when the test server answers (else SQLite).
3. Bytes per row in PostgreSQL (table + indexes) for users, memberships, authenticators, recovery codes (10
   per user), sessions and audit events, measured over N rows in a fresh database that is dropped afterwards.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

ROWS = 5_000
USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0 Safari/537.36")


def argon2_cost(rounds: int = 10) -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("correct horse battery staple", hasher.salt())
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        hasher.verify("correct horse battery staple", encoded)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(f"argon2id t={hasher.time_cost} m={hasher.memory_cost} KiB p={hasher.parallelism}: "
          f"wall {statistics.median(walls) * 1000:.0f} ms, CPU {statistics.median(cpus) * 1000:.0f} ms "
          f"(median of {rounds}; {os.cpu_count()} cores)")


def postgres_database() -> tuple[str, object, str] | None:
    """A fresh database on the test server, as (URL, admin connection, name), or None when it is not there."""
    try:
        import psycopg

        admin = psycopg.connect(os.environ.get("TWOSTEP_TEST_POSTGRES_URL",
                                               "postgresql://postgres@127.0.0.1:5432/test"), autocommit=True)
    except Exception as exc:
        print(f"PostgreSQL not reachable ({type(exc).__name__}): writes counted on SQLite, sizes skipped")
        return None
    name = f"twostep_bench_cost_{secrets.token_hex(6)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    info = admin.info
    return f"postgresql://{info.user}@{info.host}:{info.port}/{name}", admin, name


def setup_django(database_url: str | None) -> None:
    os.environ.update(TWOSTEP_DATA_DIR=tempfile.mkdtemp(prefix="twostep-bench-"), TWOSTEP_LOG_LEVEL="WARNING",
                      DJANGO_SETTINGS_MODULE="twostep.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def member_with_authenticator(email: str, password: str):
    from twostep import otp
    from twostep.accounts.models import User
    from twostep.mfa.authenticators import enrollment as enrollments
    from twostep.mfa.authenticators import services
    from twostep.mfa.rollout.services import set_require_mfa
    from twostep.organizations.models import Membership, Organization

    user = User.objects.create_user(email, password)
    organization = Organization.objects.create(name="Acme", slug=f"acme-{secrets.token_hex(3)}")
    Membership.objects.create(user=user, organization=organization)
    enrolled_at = int(time.time()) - 60
    set_require_mfa(organization, required=True, actor=None, moment=services.as_datetime(enrolled_at))
    secret = enrollments.start_enrollment(user, binding="fixture", now=enrolled_at).secret
    enrollments.confirm_enrollment(user, otp.totp(secret, now=enrolled_at), binding="fixture", now=enrolled_at)
    return secret


def writes_per_signin() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from twostep import otp

    secret = member_with_authenticator("bench@acme.example", "correct horse battery staple")
    client = Client(HTTP_USER_AGENT=USER_AGENT)
    client.get("/signin/")
    with CaptureQueriesContext(connection) as password_step:
        client.post("/signin/", {"email": "bench@acme.example", "password": "correct horse battery staple"})
    with CaptureQueriesContext(connection) as code_step:
        response = client.post("/signin/code/", {"code": otp.totp(secret, now=int(time.time()))})
    assert response.status_code == 302, response.status_code
    for label, captured in (("password step", password_step), ("code step", code_step)):
        statements = [q["sql"] for q in captured.captured_queries]
        writes = Counter(_write(sql) for sql in statements if _write(sql))
        print(f"{label}: {len(statements)} statements, {sum(writes.values())} writes: "
              + ", ".join(f"{kind} x{n}" for kind, n in sorted(writes.items())))


def _write(sql: str) -> str | None:
    match = re.match(r'\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', sql, re.IGNORECASE)
    return f"{match.group(1).split()[0].upper()} {match.group(2)}" if match else None


def bytes_per_row() -> None:
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.utils import timezone

    from twostep.accounts.addresses import email_skeleton
    from twostep.accounts.models import User
    from twostep.audit.models import AuditEvent
    from twostep.mfa.authenticators import vault
    from twostep.mfa.models import Authenticator, RecoveryCode
    from twostep.organizations.models import Membership, Organization

    now, password = timezone.now(), make_password("correct horse battery staple")
    sample_session = Session.objects.order_by("-expire_date").first().session_data
    emails = [f"user{i}@customer{i % 500}.example" for i in range(ROWS)]
    users = User.objects.bulk_create(User(email=email, email_skeleton=email_skeleton(email), name=f"User Number {i}",
                                          password=password) for i, email in enumerate(emails))
    organizations = Organization.objects.bulk_create(Organization(name=f"Customer {i}", slug=f"customer-{i}")
                                                     for i in range(ROWS // 20))
    Membership.objects.bulk_create(Membership(user=u, organization=organizations[i % len(organizations)])
                                   for i, u in enumerate(users))
    sealed = vault.seal(secrets.token_bytes(20))
    Authenticator.objects.bulk_create(Authenticator(user=u, sealed_secret=sealed, confirmed_at=now,
                                                    last_used_step=59_000_000, last_used_at=now) for u in users)
    RecoveryCode.objects.bulk_create(RecoveryCode(user=u, code_hash=secrets.token_hex(32), created_at=now)
                                     for u in users for _ in range(10))  # a set of 10 per user with MFA
    Session.objects.bulk_create(Session(session_key=secrets.token_hex(16), session_data=sample_session,
                                        expire_date=now) for _ in range(ROWS))
    AuditEvent.objects.bulk_create(AuditEvent(action="signin.succeeded", actor_id=u.pk, actor_label=u.email,
                                              subject_id=u.pk, subject_label=u.email, ip_address="203.0.113.7",
                                              user_agent=USER_AGENT, detail={"mfa": True}) for u in users)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # Django's connection is in autocommit here
        for model in (User, Membership, Authenticator, RecoveryCode, Session, AuditEvent):
            table = model._meta.db_table
            cursor.execute("SELECT count(*), pg_total_relation_size(%s), pg_relation_size(%s) FROM " + table,
                           [table, table])
            count, total, heap = cursor.fetchone()
            print(f"{table:28s} {count:>6} rows  {total / count:6.0f} bytes/row with indexes "
                  f"({heap / count:4.0f} heap)")


def main() -> None:
    database = postgres_database()
    try:
        setup_django(database[0] if database else None)
        argon2_cost()
        writes_per_signin()
        if database:
            bytes_per_row()
    finally:
        if database:
            from django.db import connections

            connections.close_all()
            database[1].execute(f'DROP DATABASE IF EXISTS "{database[2]}" WITH (FORCE)')


if __name__ == "__main__":
    main()
