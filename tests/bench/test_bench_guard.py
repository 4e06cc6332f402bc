"""The fast diagnostic password hasher of the benchmarks must never protect a real password: only
bench/settings_bench.py may enable it, only when TWOSTEP_BENCH_FAST_HASHER=1, and never in the production
profile, which refuses any hasher but Argon2 at start-up."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

import twostep.settings as product_settings
from bench.hashers import ALGORITHM, DiagnosticSha256Hasher
from bench.runenv import SOURCE_PATH, RunEnv
from tests.production.conftest import production_env, twostep

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("DiagnosticSha256Hasher", "bench.hashers", ALGORITHM, "TWOSTEP_BENCH_FAST_HASHER", "MD5PasswordHasher",
         "TWOSTEP_BENCH_HASH_TIMES", "hash_timing")


def test_the_product_settings_hash_passwords_with_argon2_only():
    # The module's own value: the test suite's fixtures swap in a cheaper Argon2 through django.conf.settings.
    assert product_settings.PASSWORD_HASHERS == ["twostep.accounts.hashing.Argon2idPasswordHasher"]


def test_no_product_file_names_the_diagnostic_hasher():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "src" / "twostep").rglob("*"))
        if path.is_file() and path.suffix in (".py", ".html", ".txt", ".cfg", ".toml")
        for name in NAMES
        if name in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []


def _bench_settings_hashers(fast: str | None, tmp_path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TWOSTEP_", "DATABASE_URL"))}
    env.update(PYTHONPATH=SOURCE_PATH, TWOSTEP_DATA_DIR=str(tmp_path))
    if fast is not None:
        env["TWOSTEP_BENCH_FAST_HASHER"] = fast
    code = "import bench.settings_bench as s; print(s.PASSWORD_HASHERS)"
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_benchmark_settings_enable_it_only_when_asked(tmp_path):
    argon2 = "['twostep.accounts.hashing.Argon2idPasswordHasher']"
    assert _bench_settings_hashers(None, tmp_path) == argon2
    assert _bench_settings_hashers("yes", tmp_path) == argon2
    assert _bench_settings_hashers("1", tmp_path) == "['bench.hashers.DiagnosticSha256Hasher']"


def test_timing_the_hasher_keeps_the_products_hasher_and_profile(tmp_path):
    """With TWOSTEP_BENCH_HASH_TIMES the production profile starts with the product's hasher, its two methods
    timed (bench.hash_timing), and a password check still tells right from wrong."""
    env = {**production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "bench.settings_bench", "PYTHONPATH": SOURCE_PATH,
           "TWOSTEP_BENCH_HASH_TIMES": str(tmp_path)}
    code = ("import django; django.setup(); from django.conf import settings; "
            "from django.contrib.auth.hashers import get_hasher, make_password, check_password; "
            "encoded = make_password('bench password'); "
            "print(settings.PROFILE, settings.PASSWORD_HASHERS, hasattr(type(get_hasher()).verify, '__wrapped__'), "
            "check_password('bench password', encoded), check_password('other', encoded))")
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "production ['twostep.accounts.hashing.Argon2idPasswordHasher'] True True False\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.isdigit()] != []


def test_the_diagnostic_hasher_tells_right_from_wrong():
    hasher = DiagnosticSha256Hasher()
    encoded = hasher.encode("correct horse", "s4lt")
    # sha256("s4lt" + "correct horse")
    assert encoded == "bench_sha256_diagnostic$s4lt$c82d2c45132f6276034ddb3a8e74f65e5a89d6460eda3247d3ebafc6a07bb33a"
    assert hasher.verify("correct horse", encoded) is True
    assert hasher.verify("correct horsE", encoded) is False


REFUSED = ("twostep: configuration error: PASSWORD_HASHERS must be twostep.accounts.hashing.Argon2idPasswordHasher "
           "alone in the production profile, not bench.hashers.DiagnosticSha256Hasher: passwords are hashed with "
           "Argon2id only\n")


def _with_fast_hasher(env: dict) -> dict:
    return {**env, "DJANGO_SETTINGS_MODULE": "bench.settings_bench", "PYTHONPATH": SOURCE_PATH,
            "TWOSTEP_BENCH_FAST_HASHER": "1"}


def test_the_production_profile_refuses_the_diagnostic_hasher_at_start_up(tmp_path):
    result = twostep(_with_fast_hasher(production_env(tmp_path)), "check")
    assert (result.returncode, result.stderr) == (2, REFUSED)


def test_the_wsgi_application_refuses_it_too(tmp_path):
    """gunicorn's workers set Django up themselves: the same refusal, in a traceback."""
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, capture_output=True,
                            env=_with_fast_hasher(production_env(tmp_path)), text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert f"django.core.exceptions.ImproperlyConfigured: {REFUSED.split(': ', 2)[2]}" in result.stderr


SETTINGS_SCRIPT = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps([s.PROFILE, s.PASSWORD_HASHERS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,
                  s.SECURE_HSTS_SECONDS, list(s.SECURE_PROXY_SSL_HEADER), s.STORAGES["staticfiles"]["BACKEND"],
                  s.LOGGING["formatters"]["main"]["()"]]))
"""


def test_the_benchmark_runs_it_in_the_demo_profile_handling_requests_as_production_does(tmp_path):
    run = object.__new__(RunEnv)  # only what django_env reads: no work folder, logs or Redis of a real run
    run.work, run.key_prefix, run.redis = tmp_path, "twostep-bench-test", "redis://127.0.0.1:6379/0"
    run.secret_key, run.fernet_key = secrets.token_urlsafe(50), Fernet.generate_key().decode()
    env = run.django_env("postgresql://bench@127.0.0.1:5432/bench", fast_hasher=True)
    result = subprocess.run([sys.executable, "-c", SETTINGS_SCRIPT], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "demo", ["bench.hashers.DiagnosticSha256Hasher"], True, True, True, 31536000,
        ["HTTP_X_FORWARDED_PROTO", "https"], "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "pythonjsonlogger.json.JsonFormatter"]
