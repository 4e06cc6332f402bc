"""Uniquely named PostgreSQL databases on loopback, created for one run and always dropped.

Other people use the same server at the same time: only databases named ``twostep_bench_<hex>`` that
this process created are ever dropped.
"""

import contextlib
import os
import secrets

import psycopg
from psycopg import sql

SERVER = os.environ.get("TWOSTEP_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


def admin_connection() -> psycopg.Connection:
    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def available() -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        with admin_connection() as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL at {SERVER} is not reachable: {exc}".strip()
    return None


@contextlib.contextmanager
def temporary_database(purpose: str):
    """Yield the URL of a new empty database ``twostep_bench_<purpose>_<hex>``; drop it afterwards."""
    name = f"twostep_bench_{purpose}_{secrets.token_hex(4)}"
    with admin_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{SERVER}/{name}"
    finally:
        with admin_connection() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def backend_pids(url: str) -> list[int]:
    """The server processes serving connections to the database of ``url`` (ours excluded)."""
    name = url.rsplit("/", 1)[1]
    with admin_connection() as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                            (name,)).fetchall()
    return sorted(row[0] for row in rows)
