"""Imports run one way: organizations knows nothing of MFA (nor of support or ops)."""

import ast
from pathlib import Path

import twostep.organizations

FORBIDDEN = ("twostep.mfa", "twostep.support", "twostep.ops", "twostep.views")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_organizations_imports_no_higher_app():
    package = Path(twostep.organizations.__file__).parent
    offending = {f"{path.relative_to(package)}: {name}" for path in package.rglob("*.py")
                 for name in imported_modules(path) if name.startswith(FORBIDDEN)}
    assert offending == set()
