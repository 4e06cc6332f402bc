"""twostep.otp must stay standard-library only; in particular it must never import Django."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
OTP_DIR = SRC / "twostep" / "otp"
CHECK = (
    "import sys, twostep.otp; "
    "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
    "sorted(m for m in sys.modules if m.startswith('django')); "
    "print(twostep.otp.__file__)"
)


def test_importing_the_package_does_not_import_django() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert (
        Path(result.stdout.strip()) == OTP_DIR / "__init__.py"
    )  # the code under test, not an installed copy


def _sources() -> list[Path]:
    files = sorted(OTP_DIR.rglob("*.py"))
    assert OTP_DIR / "__init__.py" in files
    return files


def test_no_django_import_statement_in_the_sources() -> None:
    pattern = re.compile(r"^\s*(import|from)\s+django\b", re.MULTILINE)
    offenders = [str(path) for path in _sources() if pattern.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_only_standard_library_or_relative_imports() -> None:
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names, f"{path.name} imports {name}"
