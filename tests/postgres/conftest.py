"""Fixtures for tests against the real PostgreSQL server (marked ``postgres``).

``pg_app``: a migrated fresh database and the environment of one deployment; ``two_servers``: two gunicorn
processes of it (2 workers x 5 threads each). Both are torn down (servers stopped, database dropped).
"""

import shutil

import pytest

from tests.postgres.harness import App, fresh_database


@pytest.fixture
def pg_app():
    with fresh_database("race") as url:
        app = App(url)
        try:
            app.migrate()
            yield app
        finally:
            shutil.rmtree(app.data_dir, ignore_errors=True)


@pytest.fixture
def two_servers(pg_app):
    servers = []
    try:
        servers.append(pg_app.serve())
        servers.append(pg_app.serve())
        yield servers
    finally:
        for server in servers:
            server.stop()
