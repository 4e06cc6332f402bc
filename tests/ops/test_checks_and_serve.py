"""``twostep check`` includes the deployment checks in production; ``twostep serve``'s gunicorn command."""

import os
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from twostep.ops import gunicorn_conf
from twostep.ops.demo import set_demo_support_contact
from twostep.ops.management.commands.serve import (
    default_workers,
    gunicorn_command,
    prepare_metrics_dir,
    set_demo_base_url,
)


def test_check_in_the_demo_leaves_out_the_deployment_checks(capsys):
    call_command("check")
    assert "System check identified no issues" in capsys.readouterr().out


@override_settings(PRODUCTION=True, TWOSTEP_TASKS_ASYNC=False, TWOSTEP_METRICS_TOKEN="")
def test_check_in_production_runs_the_deployment_checks():
    # The test settings are SQLite and an in-memory cache: what one app server of many must not use.
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    report = str(raised.value)
    for check_id in ("twostep.E101", "twostep.E102", "twostep.W103", "twostep.W104"):
        assert check_id in report
    assert "security.W012" in report  # Django's own deployment checks ran too (test cookies are not Secure)


def test_serve_runs_one_worker_per_core_plus_one_by_default():
    assert default_workers() == os.cpu_count() + 1
    command = gunicorn_command(bind="127.0.0.1:8123", workers=default_workers(), timeout=30)
    assert command[:6] == [sys.executable, "-m", "gunicorn", "twostep.wsgi:application", "-c",
                           "python:twostep.ops.gunicorn_conf"]
    assert command[command.index("--workers") + 1] == str(os.cpu_count() + 1)
    assert command[command.index("--bind") + 1] == "127.0.0.1:8123"


def test_serve_gives_the_workers_a_metrics_folder_that_gunicorn_empties_at_start(tmp_path, monkeypatch):
    (tmp_path / "counter_4242.db").write_bytes(b"left by an earlier run")
    (tmp_path / "keep.txt").write_text("not ours")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert prepare_metrics_dir() == str(tmp_path)
    gunicorn_conf.on_starting(server=None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    fresh = prepare_metrics_dir()
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == fresh and os.path.isdir(fresh)
    os.rmdir(fresh)


@pytest.mark.parametrize(("bind", "expected"), [
    ("127.0.0.1:8123", "http://127.0.0.1:8123"),
    ("0.0.0.0:8080", "http://127.0.0.1:8080"),
    ("localhost:9000", "http://localhost:9000"),
    ("unix:/run/twostep.sock", None),
])
def test_serve_in_the_demo_points_e_mail_links_at_the_served_address(monkeypatch, bind, expected):
    monkeypatch.setenv("TWOSTEP_BASE_URL", "")  # unset (empty counts as unset), restored afterwards
    set_demo_base_url(bind)
    assert os.environ["TWOSTEP_BASE_URL"] == (expected or "")


def test_serve_keeps_a_base_url_that_is_set(monkeypatch):
    monkeypatch.setenv("TWOSTEP_BASE_URL", "https://accounts.example.com")
    set_demo_base_url("127.0.0.1:8123")
    assert os.environ["TWOSTEP_BASE_URL"] == "https://accounts.example.com"


def test_serve_in_the_demo_names_the_demo_support_desk(monkeypatch):
    monkeypatch.setenv("TWOSTEP_SUPPORT_CONTACT", "")  # unset, restored afterwards
    set_demo_support_contact()
    assert os.environ["TWOSTEP_SUPPORT_CONTACT"] == "support@twostep.example"
    monkeypatch.setenv("TWOSTEP_SUPPORT_CONTACT", "https://help.acme.example/")
    set_demo_support_contact()
    assert os.environ["TWOSTEP_SUPPORT_CONTACT"] == "https://help.acme.example/"


@override_settings(PRODUCTION=True)
def test_serve_in_production_names_no_support_desk_of_its_own(monkeypatch):
    monkeypatch.setenv("TWOSTEP_SUPPORT_CONTACT", "")
    set_demo_support_contact()
    assert os.environ["TWOSTEP_SUPPORT_CONTACT"] == ""


@override_settings(PRODUCTION=True)
def test_serve_in_production_never_invents_a_base_url(monkeypatch):
    monkeypatch.setenv("TWOSTEP_BASE_URL", "")  # unset (empty counts as unset), restored afterwards
    set_demo_base_url("127.0.0.1:8123")
    assert os.environ["TWOSTEP_BASE_URL"] == ""
