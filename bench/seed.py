"""Seeding a benchmark database with COPY: users, organizations, memberships, authenticators and
*Require MFA* policies, in minutes for a million users.

Every user gets the same password hash (computed once: hashing a million passwords with Argon2 would
take days) and authenticators reuse a few thousand distinct secrets, each sealed once with
``twostep.mfa.authenticators.vault.seal``. Foreign-key triggers are off during the load (``session_replication_role
= replica``): the rows are generated consistent, and checking 6 million references one by one would
cost more than the load itself.

Runs inside Django (``bench.tasks``); the shapes are in ``Plan``.
"""

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.hashers import make_password
from django.db import connection
from psycopg import sql
from psycopg.types.json import Jsonb

from twostep import otp
from twostep.accounts.models import User
from twostep.mfa.authenticators import vault
from twostep.mfa.models import Authenticator, OrganizationMfaPolicy
from twostep.organizations.models import Membership, Organization

PASSWORD = "bench: correct horse battery staple"
JOINED = datetime(2025, 1, 1, tzinfo=UTC)
ENFORCED = datetime(2025, 6, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Plan:
    """Sizes. User 1 is the admin of organization 1 ("big"), whose members are users 1..big_org_members;
    every user belongs to ``per_user`` distinct organizations; every ``mfa_every``-th user (and user 1)
    has a confirmed authenticator; every ``policy_every``-th organization requires MFA."""

    users: int
    orgs: int
    per_user: int = 3
    big_org_members: int = 0
    mfa_every: int = 3
    policy_every: int = 5
    secrets: int = 4096

    def orgs_of(self, user_id: int) -> list[int]:
        """Organization ids of ``user_id``: distinct; org 1 only for the big organization's members."""
        spread, stride = self.orgs - 1, (self.orgs - 1) // self.per_user
        ids = [2 + (user_id + k * stride) % spread for k in range(self.per_user)]
        if user_id <= self.big_org_members:
            ids[0] = 1
        return ids

    def has_authenticator(self, user_id: int) -> bool:
        return user_id == 1 or user_id % self.mfa_every == 0

    def secret_index(self, user_id: int) -> int:
        return user_id % self.secrets


def email_of(user_id: int) -> str:
    return f"user{user_id}@bench.example"


def make_secrets(count: int) -> list[bytes]:
    rng = random.Random(6238)
    return [rng.randbytes(20) for _ in range(count)]


def _default(field):
    value = field.get_default()
    return Jsonb(value) if isinstance(value, dict | list) else value


def copy_rows(cursor, model, fields: list[str], rows: Iterable[tuple]) -> None:
    """COPY ``rows`` (values of ``fields``, in order) into ``model``'s table; every other column gets
    its field's default, so a column added later by a migration does not break the seed."""
    given = [model._meta.get_field(name) for name in fields]
    rest = [field for field in model._meta.concrete_fields if field not in given]
    defaults = tuple(_default(field) for field in rest)
    columns = [field.column for field in given + rest]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns)))
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row + defaults)


def _users(plan: Plan, password_hash: str) -> Iterator[tuple]:
    for user_id in range(1, plan.users + 1):
        yield user_id, email_of(user_id), password_hash, JOINED


def _orgs(plan: Plan) -> Iterator[tuple]:
    yield 1, "Big Organization", "big", JOINED
    for org_id in range(2, plan.orgs + 1):
        yield org_id, f"Organization {org_id}", f"org-{org_id}", JOINED


def _memberships(plan: Plan) -> Iterator[tuple]:
    membership_id = 0
    for user_id in range(1, plan.users + 1):
        role = Membership.Role.ADMIN if user_id == 1 else Membership.Role.MEMBER
        for org_id in plan.orgs_of(user_id):
            membership_id += 1
            yield membership_id, user_id, org_id, str(role), JOINED


def _authenticators(plan: Plan, sealed: list[str]) -> Iterator[tuple]:
    for user_id in range(1, plan.users + 1):
        if plan.has_authenticator(user_id):
            yield user_id, user_id, sealed[plan.secret_index(user_id)], JOINED, JOINED


def _policies(plan: Plan) -> Iterator[tuple]:
    for org_id in range(1, plan.orgs + 1):
        if org_id % plan.policy_every == 0:
            yield org_id, True, ENFORCED, JOINED
        elif org_id % plan.policy_every == 1:
            yield org_id, False, None, JOINED  # switched on once, then off again


def seed(plan: Plan) -> dict:
    """Load ``plan`` into the empty (migrated) database; returns the row counts."""
    password_hash = make_password(PASSWORD)
    secrets = make_secrets(plan.secrets)
    sealed = [vault.seal(secret) for secret in secrets]
    connection.ensure_connection()
    raw = connection.connection
    with raw.transaction(), raw.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        copy_rows(cursor, User, ["id", "email", "password", "date_joined"], _users(plan, password_hash))
        copy_rows(cursor, Organization, ["id", "name", "slug", "created_at"], _orgs(plan))
        copy_rows(cursor, Membership, ["id", "user", "organization", "role", "created_at"], _memberships(plan))
        copy_rows(cursor, Authenticator, ["id", "user", "sealed_secret", "created_at", "confirmed_at"],
                  _authenticators(plan, sealed))
        copy_rows(cursor, OrganizationMfaPolicy, ["organization", "required", "enforce_from", "changed_at"],
                  _policies(plan))
        for model in (User, Organization, Membership, Authenticator):
            table = model._meta.db_table
            cursor.execute(sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT max(id) FROM {}))")
                           .format(sql.Literal(table), sql.Identifier(table)))
    raw.execute("VACUUM (ANALYZE)")
    return row_counts()


def row_counts() -> dict:
    return {model._meta.db_table: model.objects.count()
            for model in (User, Organization, Membership, Authenticator, OrganizationMfaPolicy)}


def accounts(plan: Plan, count: int, *, seed_value: int = 1) -> list[list[str]]:
    """``count`` sign-in accounts drawn evenly at random among the users with an authenticator
    (user 1, the admin, excluded): [e-mail, password, base32 secret] each."""
    secrets = make_secrets(plan.secrets)
    candidates = range(plan.mfa_every, plan.users + 1, plan.mfa_every)
    chosen = random.Random(seed_value).sample(candidates, min(count, len(candidates)))
    return [[email_of(uid), PASSWORD, otp.b32encode(secrets[plan.secret_index(uid)])] for uid in chosen]


def admin_account(plan: Plan) -> list[str]:
    return [email_of(1), PASSWORD, otp.b32encode(make_secrets(plan.secrets)[plan.secret_index(1)])]


def set_password_hash() -> int:
    """Give every user a fresh hash of PASSWORD under the current PASSWORD_HASHERS; returns the rows."""
    return User.objects.update(password=make_password(PASSWORD))
