"""The peer app (bench/peers/allauth_mfa: django-allauth with its MFA app): its virtualenv, database,
seed and server. Installed on demand into bench/.peer-venv from the pinned requirements; never a
dependency of twostep."""

import hashlib
import json
import os
import secrets
import subprocess
import sys

from bench.runenv import ROOT, RunEnv
from bench.server import Server, free_port

PEER = ROOT / "bench" / "peers" / "allauth_mfa"
VENV = ROOT / "bench" / ".peer-venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = PEER / "requirements.txt"


def ensure_venv() -> None:
    """Create or refresh bench/.peer-venv when the pinned requirements changed."""
    stamp = VENV / ".requirements-sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and PYTHON.exists():
        return
    print(f"installing the peer app's pinned requirements into {VENV} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], capture_output=True,
                         text=True)
    if pip.returncode != 0:
        raise RuntimeError(f"installing the peer app failed:\n{pip.stdout}{pip.stderr}")
    stamp.write_text(wanted)


def versions() -> dict:
    out = subprocess.run([str(PYTHON), "-c", "import allauth, django; print(allauth.__version__, django.__version__)"],
                         check=True, capture_output=True, text=True).stdout.split()
    return {"django-allauth": out[0], "Django": out[1]}


class Peer:
    def __init__(self, run: RunEnv, database_url: str):
        self.run, self.database_url = run, database_url
        self.secret_key = secrets.token_urlsafe(50)

    def env(self, *, fast_hasher: bool) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TWOSTEP_", "PEER_"))}
        env.update({"PYTHONPATH": f"{PEER}{os.pathsep}{ROOT}", "DJANGO_SETTINGS_MODULE": "peer_site.settings",
                    "DATABASE_URL": self.database_url, "REDIS_URL": self.run.redis or "",
                    "PEER_KEY_PREFIX": f"{self.run.key_prefix}-peer", "PEER_SECRET_KEY": self.secret_key,
                    "PEER_FAST_HASHER": "1" if fast_hasher else "0"})
        return env

    def manage(self, *args: str, fast_hasher: bool = False) -> None:
        subprocess.run([str(PYTHON), str(PEER / "manage.py"), *args], env=self.env(fast_hasher=fast_hasher),
                       check=True, cwd=PEER, stdout=subprocess.DEVNULL)

    def seed(self, users: int, secrets_b32: list[str], *, fast_hasher: bool) -> list:
        """Migrate and seed; returns the accounts ([e-mail, password, base32 secret] each)."""
        pool, out = self.run.work / "peer-secrets.json", self.run.work / "peer-accounts.json"
        pool.write_text(json.dumps(secrets_b32))
        self.manage("migrate", "-v0")
        self.manage("seed_peer", "--users", str(users), "--secrets", str(pool), "--out", str(out),
                    fast_hasher=fast_hasher)
        return json.loads(out.read_text())

    def set_password_hash(self, *, fast_hasher: bool) -> None:
        code = ("from django.contrib.auth import get_user_model; from django.contrib.auth.hashers import "
                "make_password; get_user_model().objects.update(password=make_password("
                "'bench: correct horse battery staple'))")
        self.manage("shell", "-c", code, fast_hasher=fast_hasher)

    def server(self, *, fast_hasher: bool, name: str) -> Server:
        """gunicorn with 2 workers; with Argon2 its hasher is timed like twostep's (bench.hash_timing)."""
        port, env = free_port(), self.env(fast_hasher=fast_hasher)
        times = None if fast_hasher else self.run.hash_times(name)
        if times:
            env["PEER_HASH_TIMES"] = str(times)
        command = [str(PYTHON), "-m", "gunicorn", "peer_site.wsgi:application", "--bind", f"127.0.0.1:{port}",
                   "--workers", "2", "--timeout", "30", "--access-logfile", "-"]
        return Server(name, command, env=env, port=port, ready_path="/accounts/login/",
                      log=self.run.logs / f"{name}.log", cwd=PEER, hash_times=times)
