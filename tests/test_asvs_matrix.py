"""docs/asvs.md, the OWASP ASVS 5.0.0 Level 2 matrix, cannot go stale.

Every item of V6, V7, V8 and V16 at levels 1 and 2 has exactly one row in its chapter's table, with a known
verdict; every row but an n/a names a test; every test named is collected by pytest, every dotted ``twostep.…``
path imports, every setting exists, every file and migration named is there; the summary counts the rows.
"""

import importlib
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
MATRIX = ROOT / "docs" / "asvs.md"
# item:level of every level 1 and 2 requirement of the four chapters in ASVS 5.0.0.
ITEMS = {
    "V6 Authentication": """6.1.1:1 6.1.2:2 6.1.3:2 6.2.1:1 6.2.2:1 6.2.3:1 6.2.4:1 6.2.5:1 6.2.6:1 6.2.7:1 6.2.8:1
        6.2.9:2 6.2.10:2 6.2.11:2 6.2.12:2 6.3.1:1 6.3.2:1 6.3.3:2 6.3.4:2 6.4.1:1 6.4.2:1 6.4.3:2 6.4.4:2 6.5.1:2
        6.5.2:2 6.5.3:2 6.5.4:2 6.5.5:2 6.6.1:2 6.6.2:2 6.6.3:2 6.8.1:2 6.8.2:2 6.8.3:2 6.8.4:2""",
    "V7 Session Management": """7.1.1:2 7.1.2:2 7.1.3:2 7.2.1:1 7.2.2:1 7.2.3:1 7.2.4:1 7.3.1:2 7.3.2:2 7.4.1:1
        7.4.2:1 7.4.3:2 7.4.4:2 7.4.5:2 7.5.1:2 7.5.2:2 7.6.1:2 7.6.2:2""",
    "V8 Authorization": "8.1.1:1 8.1.2:2 8.2.1:1 8.2.2:1 8.2.3:2 8.3.1:1 8.4.1:2",
    "V16 Security Logging and Error Handling": """16.1.1:2 16.2.1:2 16.2.2:2 16.2.3:2 16.2.4:2 16.2.5:2 16.3.1:2
        16.3.2:2 16.3.3:2 16.3.4:2 16.4.1:2 16.4.2:2 16.4.3:2 16.5.1:2 16.5.2:2 16.5.3:2""",
}
VERDICTS = ("pass", "pass with setting", "deployment", "fail", "n/a")
ROW = re.compile(r"^\| (\d+\.\d+\.\d+) · L(\d) \| (.+?) \| (.+?) \| (.+?) \| (.+?) \|$")
TEST_ID = re.compile(r"^tests/[\w/]+\.py::\w+$")
DOTTED = re.compile(r"^twostep(\.\w+)+$")
SETTING = re.compile(r"^([A-Z][A-Z0-9_]{2,})(=\S+)?$")
FILE = re.compile(r"^[\w/.-]+\.(html|py|js|css)$")
MIGRATION = re.compile(r"^(\w+)\.(\d{4}_\w+)$")


def chapters() -> dict[str, list[tuple]]:
    """The rows of each chapter's table: (item, level, requirement, verdict, where, test)."""
    found, chapter = {}, None
    for line in MATRIX.read_text().splitlines():
        if line.startswith("## "):
            chapter = line[3:].strip()
        match = ROW.match(line)
        if match:
            found.setdefault(chapter, []).append(match.groups())
    return found


def rows() -> list[tuple]:
    return [row for chapter_rows in chapters().values() for row in chapter_rows]


def quoted(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def test_every_item_has_one_row_in_its_chapter():
    expected = {chapter: [tuple(item.split(":")) for item in items.split()] for chapter, items in ITEMS.items()}
    assert {chapter: [row[:2] for row in found] for chapter, found in chapters().items()} == expected
    assert sum(len(items) for items in expected.values()) == 76


def test_every_row_has_a_verdict_and_what_backs_it():
    for item, _, requirement, verdict, where, test in rows():
        assert verdict in VERDICTS, item
        assert requirement.strip() and where.strip() not in ("", "—"), item
        if verdict == "n/a":
            assert test == "—", item
        else:
            assert [name for name in quoted(test) if TEST_ID.match(name)], f"{item} names no test"


def test_the_summary_counts_the_rows():
    text = MATRIX.read_text()
    for chapter, found in chapters().items():
        counts = Counter(row[3] for row in found)
        figures = [len(found), *(counts[verdict] for verdict in VERDICTS)]
        line = "| " + chapter + " | " + " | ".join(str(figure) for figure in figures) + " |"
        assert line in text, line
    total = Counter(row[3] for row in rows())
    line = "| **all** | " + " | ".join(f"**{figure}**" for figure in [len(rows()), *(total[v] for v in VERDICTS)])
    assert line + " |" in text


def collected(files: list[str]) -> set[str]:
    """The ids of the tests pytest collects in ``files``, without their parameters."""
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                             *files], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return {line.split("[")[0] for line in result.stdout.splitlines() if "::" in line}


def test_every_test_named_exists():
    named = {name for row in rows() for name in quoted(row[5]) if TEST_ID.match(name)}
    files = sorted({name.split("::")[0] for name in named})
    missing = [file for file in files if not (ROOT / file).is_file()]
    assert missing == []
    assert sorted(named - collected(files)) == []


def resolves(path: str) -> bool:
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_every_module_setting_file_and_migration_named_exists():
    readme = (ROOT / "README.md").read_text()
    names = [name for row in rows() for name in quoted(row[4])] + quoted(MATRIX.read_text().split("## V6")[0])
    problems = []
    for name in names:
        if DOTTED.match(name) and not resolves(name):
            problems.append(name)
        elif SETTING.match(name):
            setting = SETTING.match(name).group(1)
            if not hasattr(settings, setting) and f"`{setting}`" not in readme:
                problems.append(name)
        elif FILE.match(name) and not any((base / name).exists() for base in (ROOT, ROOT / "src" / "twostep")):
            problems.append(name)
        elif MIGRATION.match(name):
            app, migration = MIGRATION.match(name).groups()
            if not (ROOT / "src" / "twostep" / app / "migrations" / f"{migration}.py").is_file():
                problems.append(name)
    assert problems == []


@pytest.mark.parametrize("path, exists", [("twostep.mfa.signin.session_limits.SessionLimitsMiddleware", True),
                                          ("twostep.mfa.signin.session_limits.NoSuchThing", False),
                                          ("twostep.mfa.no_such_module", False)])
def test_a_dotted_path_resolves_only_when_it_exists(path, exists):
    assert resolves(path) is exists
