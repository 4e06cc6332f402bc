"""The layout of src/twostep, read from the source (no import runs): modules under 250 lines, imports one way
between the apps, a pure otp core, and MFA feature packages that use each other only through their use cases.

What the source showed, and these rules now hold it to:
- Apps, lowest first: ``otp`` and ``audit``, then ``accounts``, ``organizations``, ``mfa``, and on top ``support``
  and ``ops`` side by side (ops wires health checks, metrics and the demo, which read mfa and organizations;
  neither imports the other). An app imports only apps below it.
- Root modules are of two kinds. Infrastructure (``ROOT_BASE``: the clock, the root settings object,
  configuration, counters, errors, tasks, tuning, backing services) imports no app, and every app may import
  it. Entry points (``ROOT_TOP``: settings, urls, the home view, wsgi, cli) may import anything, and nothing in
  an app imports them. A new root module
  must be put in one of the two.
"""

import ast
import sys
from pathlib import Path

import pytest

import twostep

SRC = Path(twostep.__file__).parent.parent
MAX_LINES = 250  # a module has fewer
RANKS = {"otp": 0, "audit": 0, "accounts": 1, "organizations": 2, "mfa": 3, "support": 4, "ops": 4}
ROOT_BASE = {"backing", "clock", "conf", "config", "counters", "errors", "tasks", "tuning"}
ROOT_TOP = {"cli", "settings", "urls", "views", "wsgi"}
FEATURES = ("signin", "authenticators", "mailbox", "recovery", "disown", "stepup", "account", "rollout", "staff")
# A feature package's own modules are its own: another feature package imports only its use cases (services.py)
# and the modules named here, each for the reason given.
PUBLIC_MODULES = {
    "signin": {"journey",  # where a sign-in goes next (safe_next, complete, MFA_VERIFIED_AT): its use cases
               "pending"},  # the pending sign-in, which the mailbox step of a sign-in reads too
    "authenticators": {"enrollment",  # the use cases of setting one up, also at a sign-in's first setup
                       "setup_binding",  # the session a setup belongs to (the sign-in, the mailbox codes)
                       "forms",  # CodeForm: the code field of every page that takes a code
                       "qr",  # the QR code of a sign-in's first setup
                       "vault"},  # secrets at rest: the password notice seals its queued reference too
    "mailbox": set(),
    "recovery": {"codes",  # issued and deleted inside other use cases' transactions (enrollment, disown)
                 "reset",  # turning MFA off, on the Security page
                 "pages",  # the new codes shown once and the codes-left message, after other features' steps
                 "forms"},  # RecoveryCodeForm: at the code step and at step-up
    "disown": {"links",  # the "MFA was set up" notice and its link, sent by enrollment
               "holds"},  # an account on hold may not sign in (signin, staff)
    "stepup": set(),
    "account": set(),
    "rollout": set(),
    "staff": {"identity"},  # the identity check support records, also before a reset or lifting a hold
}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(module: str, source: str) -> set[str]:
    """The dotted names ``source`` (the module ``module``) imports: ``from a import b`` is ``a.b`` when that is a
    module of ours, else ``a``; relative imports are made absolute."""
    package = module.split(".") if is_package(module) else module.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join([*package[:len(package) - node.level + 1], node.module or ""] if node.level
                            else [node.module]).strip(".")
            names.update(f"{base}.{alias.name}" if is_ours(f"{base}.{alias.name}") else base for alias in node.names)
    return names


def is_package(name: str) -> bool:
    return SRC.joinpath(*name.split("."), "__init__.py").exists()


def is_ours(name: str) -> bool:
    return is_package(name) or SRC.joinpath(*name.split(".")).with_suffix(".py").exists()


def part_of(name: str) -> str | None:
    """``"accounts"`` (an app), ``"root:clock"`` (a root module), or None (not twostep, or the package itself)."""
    parts = name.split(".")
    if parts[0] != "twostep" or len(parts) == 1:
        return None
    return parts[1] if parts[1] in RANKS else f"root:{parts[1]}"


def layering_problems(module: str, names: set[str]) -> set[str]:
    """The imports of ``module`` that break the one-way order of apps and root modules."""
    source, problems = part_of(module), set()
    for name in names:
        target = part_of(name)
        if target is None or target == source:
            continue
        if target.startswith("root:") and target[5:] not in ROOT_BASE:
            if source.startswith("root:") and source[5:] in ROOT_TOP:
                continue
            problems.add(f"{module} imports {name}: only entry points may import an entry point")
        elif not target.startswith("root:"):
            if source.startswith("root:"):
                if source[5:] not in ROOT_TOP:
                    problems.add(f"{module} imports {name}: infrastructure imports no app")
            elif RANKS[target] >= RANKS[source]:
                problems.add(f"{module} imports {name}: {source} may import only apps below it")
    return problems


def otp_problems(module: str, names: set[str]) -> set[str]:
    """otp is stdlib only: no Django, nothing else of twostep."""
    return {f"{module} imports {name}" for name in names
            if not (name == "twostep.otp" or name.startswith("twostep.otp.")
                    or name.split(".")[0] in sys.stdlib_module_names)}


def feature_problems(module: str, names: set[str]) -> set[str]:
    """The imports of ``module`` (in an mfa feature package) of another feature's own modules."""
    parts, problems = module.split("."), set()
    own = parts[2] if len(parts) > 2 and parts[:2] == ["twostep", "mfa"] and parts[2] in FEATURES else None
    for name in names:
        target = name.split(".")
        if own is None or target[:2] != ["twostep", "mfa"] or len(target) < 3 or target[2] == own:
            continue
        if target[2] in FEATURES and ".".join(target[3:4]) not in {"services", *PUBLIC_MODULES[target[2]]}:
            problems.add(f"{module} imports {name}: not a use-case module of {target[2]}")
    return problems


def modules():
    for path in sorted((SRC / "twostep").rglob("*.py")):
        yield path, module_name(path), path.read_text()


def test_every_module_has_fewer_than_250_lines():
    long = {f"{name}: {len(text.splitlines())} lines" for _, name, text in modules()
            if len(text.splitlines()) >= MAX_LINES}
    assert long == set()


def test_apps_and_root_modules_import_one_way():
    assert set().union(*(layering_problems(name, imported(name, text)) for _, name, text in modules())) == set()


def test_every_root_module_is_infrastructure_or_an_entry_point():
    roots = {path.stem for path in (SRC / "twostep").glob("*.py")} - {"__init__"}
    assert roots - ROOT_BASE - ROOT_TOP == set() and (ROOT_BASE | ROOT_TOP) - roots == set()


def test_otp_needs_only_the_standard_library():
    assert set().union(*(otp_problems(name, imported(name, text)) for _, name, text in modules()
                         if part_of(name) == "otp")) == set()


def test_feature_packages_use_each_other_only_through_their_use_cases():
    packages = {path.parent.name for path in (SRC / "twostep" / "mfa").glob("*/__init__.py")}
    assert packages - {"management", "migrations", "templatetags"} == set(FEATURES) == set(PUBLIC_MODULES)
    assert set().union(*(feature_problems(name, imported(name, text)) for _, name, text in modules())) == set()


@pytest.mark.parametrize("module, source, rule", [
    ("twostep.accounts.x", "from twostep.mfa import policy", layering_problems),
    ("twostep.organizations.x", "import twostep.mfa.models", layering_problems),
    ("twostep.support.x", "from twostep.ops import health", layering_problems),
    ("twostep.audit.x", "from twostep import otp", layering_problems),
    ("twostep.mfa.x", "from twostep.views import home", layering_problems),
    ("twostep.clock", "from twostep.accounts import models", layering_problems),
    ("twostep.otp.x", "import django.conf", otp_problems),
    ("twostep.otp.x", "from twostep import clock", otp_problems),
    ("twostep.mfa.stepup.views", "from twostep.mfa.signin import password_notice", feature_problems),
    ("twostep.mfa.signin.views", "from twostep.mfa.recovery.views import RecoveryCodesView", feature_problems),
])
def test_each_rule_refuses_what_it_forbids(module, source, rule):
    assert len(rule(module, imported(module, source))) == 1


@pytest.mark.parametrize("module, source", [
    ("twostep.mfa.x", "from twostep.accounts import backoff\nfrom twostep import clock, otp"),
    ("twostep.urls", "from twostep import views\nfrom twostep.ops import demo_mailbox"),
    ("twostep.mfa.stepup.views", "from twostep.mfa.recovery import services\nfrom twostep.mfa.signin import journey"),
])
def test_the_rules_allow_what_runs_one_way(module, source):
    names = imported(module, source)
    assert layering_problems(module, names) | feature_problems(module, names) == set()
