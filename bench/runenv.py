"""One benchmark run's surroundings: a work folder, keys, Redis prefix, subprocess environments,
Django tasks, the twostep server and the load driver."""

import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

from bench.server import Server, free_port
from twostep.otp import time_step

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
# This checkout's sources first: the servers, tasks and driver measure the code here, not an installed copy.
SOURCE_PATH = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
PYTHON = sys.executable
TWOSTEP = str(Path(PYTHON).with_name("twostep"))
REDIS_URL = os.environ.get("TWOSTEP_BENCH_REDIS", "redis://127.0.0.1:6379/0")
# The variables the product reads: the servers get only the ones set here.
OWN_VARIABLES = ("TWOSTEP_", "DATABASE_URL", "REDIS_URL", "EMAIL_", "DEFAULT_FROM_EMAIL", "ALLOWED_HOSTS",
                 "CSRF_TRUSTED_ORIGINS", "PROMETHEUS_MULTIPROC_DIR", "DJANGO_")


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


class RunEnv:
    """Created once per ``python -m bench``; ``close()`` removes its Redis keys and work folder."""

    def __init__(self, *, quick: bool):
        self.quick = quick
        self.work = Path(tempfile.mkdtemp(prefix="twostep-bench-"))
        self.logs = OUT / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        for old in self.logs.glob("*.log"):  # the logs of this run only
            old.unlink()
        self.key_prefix = f"twostep-bench-{secrets.token_hex(4)}"
        self.redis = REDIS_URL if redis_available() else None
        self.secret_key = secrets.token_urlsafe(50)
        self.fernet_key = Fernet.generate_key().decode()
        self._static_done = False

    def close(self) -> None:
        if self.redis:
            import redis

            client = redis.Redis.from_url(self.redis)
            for key in client.scan_iter(match=f"*{self.key_prefix}*", count=1000):
                client.delete(key)
        shutil.rmtree(self.work, ignore_errors=True)

    def django_env(self, database_url: str, *, fast_hasher: bool = False) -> dict:
        """A complete production-profile environment (as deployed, behind a TLS proxy on loopback); with the
        diagnostic hasher, the demo profile with the same variables (see bench/settings_bench.py)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_VARIABLES)}
        metrics = self.work / "metrics"
        metrics.mkdir(exist_ok=True)
        env.update({
            "PYTHONPATH": SOURCE_PATH, "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
            "TWOSTEP_PROFILE": "production", "TWOSTEP_DATA_DIR": str(self.work / "data"),
            "TWOSTEP_SECRET_KEY": self.secret_key, "TWOSTEP_ENCRYPTION_KEYS": self.fernet_key,
            "ALLOWED_HOSTS": "127.0.0.1,testserver", "DATABASE_URL": database_url,
            "TWOSTEP_CACHE_KEY_PREFIX": self.key_prefix, "TWOSTEP_BASE_URL": "https://127.0.0.1",
            "EMAIL_HOST": "127.0.0.1", "DEFAULT_FROM_EMAIL": "twostep bench <bench@bench.example>",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            # Work that would be queued runs in the request: nothing of this run lands in a shared queue.
            "TWOSTEP_TASKS_ASYNC": "false",
            "TWOSTEP_BENCH_FAST_HASHER": "1" if fast_hasher else "0",
        })
        if fast_hasher:  # the production profile refuses it; bench/settings_bench.py restates the rest
            env.update({"TWOSTEP_PROFILE": "demo", "TWOSTEP_LOG_FORMAT": "json"})
        if os.environ.get("TWOSTEP_BENCH_SESSION_ENGINE"):  # what-if runs (bench/README.md)
            env["TWOSTEP_BENCH_SESSION_ENGINE"] = os.environ["TWOSTEP_BENCH_SESSION_ENGINE"]
        env["REDIS_URL"] = self.redis or ""
        return env

    def manage(self, env: dict, *args: str) -> None:
        with open(self.logs / "tasks.log", "ab") as handle:
            subprocess.run([TWOSTEP, *args], env=env, check=True, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)

    def prepare_database(self, database_url: str) -> None:
        """Migrate; collect static files once (the production profile serves the hashed copies)."""
        env = self.django_env(database_url)
        self.manage(env, "migrate", "-v0")
        if not self._static_done:
            self.manage(env, "collectstatic", "--noinput", "-v0")
            self._static_done = True

    def task(self, env: dict, name: str, *args: str) -> dict:
        """Run ``python -m bench.tasks NAME ARGS``; its output (JSON log lines) goes to logs/tasks.log."""
        out, log = self.work / f"task-{secrets.token_hex(4)}.json", self.logs / "tasks.log"
        with open(log, "ab") as handle:
            done = subprocess.run([PYTHON, "-m", "bench.tasks", name, "--out", str(out), *args], env=env, cwd=ROOT,
                                  stdout=handle, stderr=subprocess.STDOUT)
        if done.returncode != 0:
            tail = log.read_text(errors="replace").splitlines()[-20:]
            raise RuntimeError(f"bench.tasks {name} failed; the end of {log}:\n" + "\n".join(tail))
        return json.loads(out.read_text())

    def hash_times(self, name: str) -> Path:
        """An empty folder for the timed password hasher of server ``name`` (bench.hash_timing)."""
        folder = self.work / f"hash-times-{name}"
        folder.mkdir()
        return folder

    def twostep_server(self, database_url: str, *, fast_hasher: bool, name: str) -> Server:
        """``twostep serve`` with 2 workers; with Argon2 (not the diagnostic hasher) its hasher is timed."""
        port, env = free_port(), self.django_env(database_url, fast_hasher=fast_hasher)
        times = None if fast_hasher else self.hash_times(name)
        if times:
            env["TWOSTEP_BENCH_HASH_TIMES"] = str(times)
        return Server(name, [TWOSTEP, "serve", "--workers", "2", "--bind", f"127.0.0.1:{port}"], env=env, port=port,
                      ready_path="/signin/", log=self.logs / f"{name}.log", cwd=ROOT, hash_times=times)

    def drive(self, server: Server, flow: str, accounts: list, **config) -> dict:
        """Run the load driver in its own process; returns its result (see bench.driver)."""
        config = {"base": server.base, "flow": flow, "accounts": accounts, "mode": "flows", **config}
        src, out = self.work / f"drive-{secrets.token_hex(4)}.json", self.work / "drive-out.json"
        src.write_text(json.dumps(config))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([PYTHON, "-m", "bench.driver", str(src), str(out)], check=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": SOURCE_PATH})
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = json.loads(out.read_text())
        result["driver_cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return result


class AccountPool:
    """Accounts shared by successive driver runs, least recently used first; an account is only handed
    out once the time step in which it last sent a code is over."""

    def __init__(self, accounts: list):
        self.accounts = [list(a) for a in accounts]
        self.last: dict[str, int] = {}

    def take(self, count: int | None = None) -> list:
        count = min(count or len(self.accounts), len(self.accounts))
        while True:
            current = time_step(int(time.time()))
            fresh = [a for a in self.accounts if self.last.get(a[0], -1) < current]
            if len(fresh) >= count:
                fresh.sort(key=lambda a: self.last.get(a[0], -1))
                return fresh[:count]
            time.sleep(0.5)

    def used(self, result: dict) -> None:
        self.last.update(result.get("last_steps", {}))
