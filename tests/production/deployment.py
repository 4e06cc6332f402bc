"""A production deployment on loopback for tests: one fresh PostgreSQL database, one Redis key prefix,
and ``twostep serve`` app servers on free ports, all in the production profile.

``Browser`` stands in for the load balancer plus a person's browser: every request carries the site's
host name and ``X-Forwarded-Proto: https`` (TLS ends at the load balancer), and cookies are kept by hand
because the production session cookie is Secure and these requests travel over plain loopback HTTP.
"""

import json
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

from tests.production.conftest import production_env, twostep
from tests.services import POSTGRES_URL, REDIS_URL, delete_keys, require_postgres, require_redis, unique_name

HOST = "accounts.twostep.test"
REPO = Path(__file__).resolve().parents[2]
READY_WITHIN = 60  # seconds for a server to answer /readyz (workers import Django on a loaded machine)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log_path: Path

    def log_lines(self) -> list[str]:
        return [line for line in self.log_path.read_text().splitlines() if line.strip()]

    def wait_until_ready(self) -> None:
        """Poll /readyz until 200; fails with the server's output if it exits or the time runs out."""
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/readyz", timeout=5).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or workers still booting
                pass
            try:
                self.process.wait(timeout=0.1)  # returns early only if the server died
            except subprocess.TimeoutExpired:
                continue
            raise AssertionError(f"server at {self.url} exited:\n" + self.log_path.read_text())
        raise AssertionError(f"server at {self.url} not ready in {READY_WITHIN} s:\n" + self.log_path.read_text())

    def stop(self) -> None:
        self.process.terminate()  # gunicorn: graceful shutdown
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class Deployment:
    workdir: Path
    database: str = field(default_factory=lambda: unique_name("twoservers"))
    key_prefix: str = field(default_factory=lambda: unique_name("cache"))
    servers: list[Server] = field(default_factory=list)

    def __post_init__(self):
        self.redis = require_redis()
        self.admin = require_postgres()
        database_url = urlunsplit(urlsplit(POSTGRES_URL)._replace(path="/" + self.database))
        self.env = production_env(self.workdir / "data", DATABASE_URL=database_url, REDIS_URL=REDIS_URL,
                                  TWOSTEP_CACHE_KEY_PREFIX=self.key_prefix, ALLOWED_HOSTS=HOST,
                                  TWOSTEP_WORKERS="2")

    def set_up(self) -> None:
        """Create and migrate the database and collect the static files (in parallel)."""
        self.admin.execute(f'CREATE DATABASE "{self.database}"')
        collect = subprocess.Popen([sys.executable, "-m", "twostep.cli", "collectstatic", "--noinput", "-v0"],
                                   env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        migrated = twostep(self.env, "migrate", "--noinput", "-v0", timeout=300)
        collected = collect.communicate(timeout=300)[0]
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr
        assert collect.returncode == 0, collected

    def seed(self, email: str, password: str, **organization) -> bytes:
        """A member of an organization requiring MFA (``slug=``, ``name=``; default Acme Calibration), enrolled;
        returns the authenticator's secret."""
        from twostep import otp

        given = json.dumps({"email": email, "password": password, **organization})
        result = subprocess.run([sys.executable, "-m", "tests.production.seed"], env=self.env, cwd=REPO,
                                input=given, capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        return otp.b32decode(result.stdout.strip())

    def start_servers(self, count: int) -> list[Server]:
        for number in range(count):
            port = free_port()
            log_path = self.workdir / f"server-{number}.log"
            metrics_dir = self.workdir / f"metrics-{number}"
            metrics_dir.mkdir()
            with log_path.open("w") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "twostep.cli", "serve", "--bind", f"127.0.0.1:{port}"],
                    env={**self.env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)},
                    stdout=log, stderr=subprocess.STDOUT)
            self.servers.append(Server(process, f"http://127.0.0.1:{port}", log_path))
        for server in self.servers:
            server.wait_until_ready()
        return self.servers

    def query(self, sql: str, *params) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def tear_down(self) -> None:
        for server in self.servers:
            server.stop()
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self.admin.close()
        delete_keys(self.redis, f"{self.key_prefix}:*")


class Browser:
    """One person's browser behind the load balancer; ``server`` picks the app server for each request."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def get(self, server: Server, path: str) -> requests.Response:
        return self._send("GET", server, path)

    def post(self, server: Server, path: str, data: dict) -> requests.Response:
        token = self.cookies["csrftoken"]  # Django accepts the cookie's token in the form field too
        return self._send("POST", server, path, data={"csrfmiddlewaretoken": token, **data},
                          extra={"Origin": f"https://{HOST}"})

    def _send(self, method: str, server: Server, path: str, data=None, extra=None) -> requests.Response:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = requests.request(method, server.url + path, data=data, headers=headers, allow_redirects=False,
                                    timeout=60)
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response
