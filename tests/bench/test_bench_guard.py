"""The fast diagnostic password hasher of the benchmarks must never protect a real password: only
bench/settings_bench.py may enable it, and only when TWOSTEP_BENCH_FAST_HASHER=1."""

import os
import subprocess
import sys
from pathlib import Path

import twostep.settings as product_settings
from bench.hashers import ALGORITHM, DiagnosticSha256Hasher

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("DiagnosticSha256Hasher", "bench.hashers", ALGORITHM, "TWOSTEP_BENCH_FAST_HASHER", "MD5PasswordHasher")


def test_the_product_settings_hash_passwords_with_argon2_only():
    # The module's own value: the test suite's fixtures swap in a cheaper Argon2 through django.conf.settings.
    assert product_settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.Argon2PasswordHasher"]


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
    env.update(PYTHONPATH=str(ROOT), TWOSTEP_DATA_DIR=str(tmp_path))
    if fast is not None:
        env["TWOSTEP_BENCH_FAST_HASHER"] = fast
    code = "import bench.settings_bench as s; print(s.PASSWORD_HASHERS)"
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_benchmark_settings_enable_it_only_when_asked(tmp_path):
    argon2 = "['django.contrib.auth.hashers.Argon2PasswordHasher']"
    assert _bench_settings_hashers(None, tmp_path) == argon2
    assert _bench_settings_hashers("yes", tmp_path) == argon2
    assert _bench_settings_hashers("1", tmp_path) == "['bench.hashers.DiagnosticSha256Hasher']"


def test_the_diagnostic_hasher_tells_right_from_wrong():
    hasher = DiagnosticSha256Hasher()
    encoded = hasher.encode("correct horse", "s4lt")
    # sha256("s4lt" + "correct horse")
    assert encoded == "bench_sha256_diagnostic$s4lt$c82d2c45132f6276034ddb3a8e74f65e5a89d6460eda3247d3ebafc6a07bb33a"
    assert hasher.verify("correct horse", encoded) is True
    assert hasher.verify("correct horsE", encoded) is False
