"""The typed settings objects of accounts, audit, ops and the root modules (``twostep.conf``): each reads Django's
settings afresh on every call, and a setting a settings module leaves out takes the default the conf module
documents, the same as the settings module's own default for an empty environment (``twostep.tuning``). Only
the conf modules read a ``TWOSTEP_*`` setting from Django's settings; everything else asks them."""

import ast
from pathlib import Path

import pytest

import twostep
from twostep import clock, conf, tuning
from twostep.accounts import conf as accounts_conf
from twostep.audit import conf as audit_conf
from twostep.ops import conf as ops_conf

NAMES = ["TWOSTEP_CLOCK", "TWOSTEP_TASKS_ASYNC", "TWOSTEP_TASK_QUEUE", "TWOSTEP_PROXY_COUNT", "TWOSTEP_ISSUER",
         "TWOSTEP_SUPPORT_CONTACT", "TWOSTEP_BASE_URL", "TIME_ZONE", "TWOSTEP_RESET_MAILS_PER_ADDRESS",
         "TWOSTEP_RESET_MAILS_PER_CLIENT", "TWOSTEP_RESET_MAIL_WINDOW", "TWOSTEP_METRICS_TOKEN"]


def test_settings_left_out_take_the_documented_defaults(settings):
    for name in NAMES:
        delattr(settings, name)
    assert conf.app_settings() == conf.TwostepSettings(clock=None, tasks_async=False, task_queue="twostep")
    assert audit_conf.app_settings() == audit_conf.AuditSettings(proxy_count=0)
    assert accounts_conf.app_settings() == accounts_conf.AccountsSettings(
        issuer="twostep", support_contact="", base_url="http://127.0.0.1:8000", time_zone="UTC",
        reset_mails_per_address=tuning.DEFAULTS["TWOSTEP_RESET_MAILS_PER_ADDRESS"],
        reset_mails_per_client=tuning.DEFAULTS["TWOSTEP_RESET_MAILS_PER_CLIENT"],
        reset_mail_window=tuning.DEFAULTS["TWOSTEP_RESET_MAIL_WINDOW"])
    assert (accounts_conf.app_settings().reset_mails_per_address, accounts_conf.app_settings().reset_mail_window) \
        == (3, 3600)
    assert ops_conf.app_settings() == ops_conf.OpsSettings(metrics_token="", support_contact="")


def test_an_override_is_seen_at_the_next_read(settings):
    settings.TWOSTEP_CLOCK = lambda: 1_795_996_800.9
    settings.TWOSTEP_TASK_QUEUE = "acme"
    settings.TWOSTEP_PROXY_COUNT = 2
    settings.TWOSTEP_RESET_MAILS_PER_ADDRESS = 1
    settings.TIME_ZONE = ""  # an empty zone is UTC, as Django's own default
    settings.TWOSTEP_METRICS_TOKEN = "m" * 32
    assert (clock.now(), conf.app_settings().task_queue) == (1_795_996_800, "acme")
    assert audit_conf.app_settings().proxy_count == 2
    assert (accounts_conf.app_settings().reset_mails_per_address, accounts_conf.app_settings().time_zone) == (1, "UTC")
    assert ops_conf.app_settings().metrics_token == "m" * 32


def setting_reads(source: str) -> set[str]:
    """The ``TWOSTEP_*`` settings ``source`` reads: ``settings.TWOSTEP_X``, ``getattr(settings, "TWOSTEP_X", ...)``."""
    reads = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "settings":
            reads.add(node.attr)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id == "settings"
              and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
            reads.add(node.args[1].value)
    return {name for name in reads if name.startswith("TWOSTEP_")}


def test_only_the_conf_modules_read_twostep_settings():
    src = Path(twostep.__file__).parent
    reads = {f"{path.relative_to(src)}: {name}" for path in sorted(src.rglob("*.py"))
             if path.name not in ("conf.py", "settings.py") for name in setting_reads(path.read_text())}
    assert reads == set()


@pytest.mark.parametrize("source, reads", [
    ("if settings.TWOSTEP_TASKS_ASYNC: pass", {"TWOSTEP_TASKS_ASYNC"}),
    ("keys = getattr(settings, 'TWOSTEP_ENCRYPTION_KEYS', [])", {"TWOSTEP_ENCRYPTION_KEYS"}),
    ("url = settings.LOGIN_URL\nvalue = app_settings().tasks_async  # TWOSTEP_TASKS_ASYNC", set()),
])
def test_a_setting_read_is_seen_in_either_form(source, reads):
    assert setting_reads(source) == reads
