"""Real app servers on a real PostgreSQL database, for race tests across processes.

- ``fresh_database(purpose)``: a new database ``twostep_<purpose>_<random hex>``, dropped afterwards.
- ``App``: the environment every process of one deployment shares (database, data folder, secret key,
  encryption key, and any extra environment ``settings`` such as a short throttling schedule);
  ``app.django(script)`` runs Python with Django set up, ``app.serve()`` starts gunicorn.
- ``Browser``: one cookie jar over ``http.client`` (no redirects followed), with the CSRF token of a form.
- ``all_at_once(calls)``: run callables in threads released together by a barrier.

Servers listen on 127.0.0.1 on free ports chosen at run time; the caller stops them (``Server.stop``).
"""

import contextlib
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from cryptography.fernet import Fernet

from tests.services import POSTGRES_URL, require_postgres, unique_name

STARTUP_SECONDS = 30  # how long a gunicorn may take to answer /signin/ with 200


@contextlib.contextmanager
def fresh_database(purpose: str):
    """Yield the URL of a new, empty PostgreSQL database; drop it (closing its connections) afterwards."""
    admin = require_postgres()
    name = unique_name(purpose)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        parts = urlsplit(POSTGRES_URL)
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@dataclass
class App:
    """One deployment: every process gets the same database URL, data folder and keys, and ``settings``:
    more environment variables of the deployment (``{"TWOSTEP_MAILBOX_PROOF": "false"}``)."""

    database_url: str
    data_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="twostep-app-")))
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    encryption_key: str = field(default_factory=lambda: Fernet.generate_key().decode())
    settings: dict = field(default_factory=dict)  # extra environment, e.g. {"TWOSTEP_THROTTLE_BASE_DELAY": "1"}

    @property
    def env(self) -> dict:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("TWOSTEP_", "DATABASE_URL", "REDIS_URL", "PYTEST_", "DJANGO_"))}
        root = str(Path(__file__).resolve().parents[2])
        return {**env, "DATABASE_URL": self.database_url, "TWOSTEP_DATA_DIR": str(self.data_dir),
                "TWOSTEP_SECRET_KEY": self.secret_key, "TWOSTEP_ENCRYPTION_KEYS": self.encryption_key,
                "TWOSTEP_PROFILE": "demo", "DJANGO_SETTINGS_MODULE": "twostep.settings",
                "PYTHONPATH": os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")])), **self.settings}

    def django(self, script: str, *args: str) -> str:
        """Run ``script`` with Django set up (``sys.argv[1:]`` = ``args``); returns its standard output."""
        prelude = "import django; django.setup()\n"
        done = subprocess.run([sys.executable, "-c", prelude + script, *args], env=self.env, capture_output=True,
                              text=True, timeout=300, check=False)
        if done.returncode != 0:
            raise AssertionError(f"Django script failed ({done.returncode}):\n{done.stderr[-4000:]}")
        return done.stdout

    def migrate(self) -> None:
        self.django("from django.core.management import call_command; call_command('migrate', verbosity=0)")

    def serve(self, *, workers: int = 2, threads: int = 5) -> Server:
        """Start gunicorn on a free port and wait until ``/signin/`` answers 200."""
        port = free_port()
        log = self.data_dir / f"gunicorn-{port}.log"
        command = [sys.executable, "-m", "gunicorn", "twostep.wsgi:application", "--bind", f"127.0.0.1:{port}",
                   "--workers", str(workers), "--threads", str(threads), "--timeout", "60",
                   "--graceful-timeout", "5"]
        with open(log, "wb") as output:
            process = subprocess.Popen(command, env=self.env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
        server = Server(process, port, log)
        try:
            wait_until_serving(server)
        except BaseException:
            server.stop()
            raise
        return server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(server: Server) -> None:
    """Poll ``GET /signin/`` until 200; fail with the server's log if it exits or takes too long."""
    deadline = STARTUP_SECONDS / 0.2
    for _ in range(int(deadline)):
        with contextlib.suppress(OSError):
            if Browser(server.address).get("/signin/").status == 200:
                return
        try:  # the pause between polls doubles as the check that the server is still alive
            server.process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"gunicorn exited with {server.process.returncode}:\n{server.log.read_text()[-4000:]}")
    raise AssertionError(f"gunicorn did not serve /signin/ within {STARTUP_SECONDS} s:\n"
                         f"{server.log.read_text()[-4000:]}")


@dataclass
class Response:
    status: int
    headers: dict
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Browser:
    """A cookie jar speaking HTTP/1.1 to one address at a time; never follows redirects."""

    def __init__(self, address: tuple[str, int], cookies: dict | None = None):
        self.address = address
        self.cookies = dict(cookies or {})
        self.csrf_token = ""

    def request(self, method: str, path: str, *, form: dict | None = None, to=None) -> Response:
        host, port = to or self.address
        connection = http.client.HTTPConnection(host, port, timeout=60)
        headers = {"Host": f"127.0.0.1:{port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.csrf_token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            response = Response(reply.status, {k.lower(): v for k, v in reply.getheaders()},
                                reply.read().decode("utf-8", "replace"))
            self._keep_cookies(reply.headers.get_all("Set-Cookie") or [])
        finally:
            connection.close()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.body)
        if token:
            self.csrf_token = token.group(1)
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict, **kwargs) -> Response:
        return self.request("POST", path, form=form, **kwargs)

    def clone(self) -> "Browser":
        twin = Browser(self.address, self.cookies)
        twin.csrf_token = self.csrf_token
        return twin

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value


def all_at_once(calls: list) -> list:
    """Run every callable in its own thread, released together by a barrier; results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


SEED_ENROLLED_USER = """
import sys, time
from twostep import otp
from twostep.accounts.models import User
from twostep.mfa.authenticators import enrollment as enrollments
from twostep.mfa.authenticators import services
email, password = sys.argv[1:3]
user = User.objects.create_user(email, password)
then = int(time.time()) - 120  # enrolled two minutes ago: its step is older than any code sent now
enrollment = enrollments.start_enrollment(user, binding="fixture", now=then)
enrollments.confirm_enrollment(user, otp.totp(enrollment.secret, now=then), binding="fixture", now=then)
print(otp.b32encode(enrollment.secret))
"""


def seed_enrolled_user(app: App, email: str, password: str) -> bytes:
    """Create a user with a confirmed authenticator (MFA then applies); returns its TOTP secret."""
    from twostep import otp

    return otp.b32decode(app.django(SEED_ENROLLED_USER, email, password).strip())


def query(app: App, expression: str):
    """Evaluate a Python ``expression`` in a Django process of ``app`` and return its JSON-able value."""
    import json

    return json.loads(app.django(f"import json\nfrom twostep.accounts.models import User\n"
                                 f"from twostep.audit.models import AuditEvent\n"
                                 f"from twostep.mfa.models import Authenticator\n"
                                 f"print(json.dumps({expression}))"))
