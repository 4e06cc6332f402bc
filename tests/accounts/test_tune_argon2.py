"""``twostep tune-argon2 --target-ms N``: the most Argon2id passes within N ms of CPU, less memory only when 2
passes already cost more, never below OWASP's minimum; printed as the variables to set."""

import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.production.conftest import twostep
from twostep.accounts.hashing import Argon2Parameters
from twostep.accounts.management.commands import tune_argon2
from twostep.accounts.management.commands.tune_argon2 import tune

DJANGO = Argon2Parameters(2, 102400, 8)


def linear(parameters: Argon2Parameters) -> float:
    """170 ms at Django's defaults, in proportion to passes x memory."""
    return 0.85 * parameters.time_cost * parameters.memory_cost / 1024


@pytest.mark.parametrize(("target", "chosen", "cost"), [
    (250, (2, 102400, 8), 170.0),  # 3 passes would be 255 ms
    (255, (3, 102400, 8), 255.0),  # the target itself fits
    (400, (4, 102400, 8), 340.0),
    (100, (2, 59392, 8), 0.85 * 2 * 58),  # less memory, in whole MiB
    (5, (2, 19456, 8), 0.85 * 2 * 19),  # OWASP's minimum, though above the target
])
def test_the_most_passes_within_the_target(target, chosen, cost):
    assert tune(target, DJANGO, linear) == (Argon2Parameters(*chosen), pytest.approx(cost))


@pytest.mark.parametrize(("cost_of_passes", "target", "passes", "cost"), [
    (lambda t: 30 + 70 * t, 300, 3, 240),  # the first guess (3) fits, 4 does not
    (lambda t: 10 * t * t + 130, 400, 5, 380),  # the guess (4) fits: more passes are tried
    (lambda t: 40 * t * t + 10, 400, 3, 370),  # the guess (4) is too many: fewer are tried
    (lambda t: 21.25 * t ** 3, 500, 2, 170),  # no more than 2 passes fit
])
def test_every_answer_is_measured_not_estimated(cost_of_passes, target, passes, cost):
    chosen, measured = tune(target, DJANGO, lambda p: cost_of_passes(p.time_cost))
    assert (chosen, measured) == (Argon2Parameters(passes, 102400, 8), cost)


def test_the_command_prints_the_variables_to_set(monkeypatch, capsys):
    monkeypatch.setattr(tune_argon2, "cpu_ms", linear)
    call_command("tune_argon2", "--target-ms", "400")
    assert capsys.readouterr().out.splitlines() == [
        "Argon2id on this machine, CPU time of one password check (median of 5): 340 ms with t=4, m=102,400 KiB, "
        "p=8; now configured: t=2, m=102,400 KiB, p=8",
        "TWOSTEP_ARGON2_TIME_COST=4",
        "TWOSTEP_ARGON2_MEMORY_COST=102400",
        "TWOSTEP_ARGON2_PARALLELISM=8",
        "Each core then checks about 2.9 passwords a second; stored hashes take the new values at each user's next "
        "sign-in.",
    ]


@pytest.mark.parametrize(("args", "message"), [
    (["--target-ms", "0"], "--target-ms must be at least 1"),
    (["--target-ms", "250", "--memory-cost", "19455"], "--memory-cost must be at least 19456 KiB (19 MiB, OWASP's "
                                                       "minimum)"),
    (["--target-ms", "250", "--parallelism", "0"], "--parallelism must be from 1 to 64"),
    (["--target-ms", "250", "--parallelism", "65"], "--parallelism must be from 1 to 64"),
])
def test_values_below_the_minimum_are_refused(args, message):
    with pytest.raises(CommandError) as refused:
        call_command("tune_argon2", *args)
    assert str(refused.value) == message


def test_it_measures_this_machine_even_when_the_configured_values_are_refused(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWOSTEP_", "DJANGO_", "DATABASE_URL"))}
    env.update(TWOSTEP_DATA_DIR=str(tmp_path), TWOSTEP_ARGON2_TIME_COST="1")  # twostep.E030 at start-up
    result = twostep(env, "tune-argon2", "--target-ms", "1", "--memory-cost", "19456", "--parallelism", "1")
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert first.startswith("Argon2id on this machine, CPU time of one password check (median of 5): ")
    assert first.endswith(" ms with t=2, m=19,456 KiB, p=1; now configured: t=1, m=102,400 KiB, p=8")
    assert rest[:4] == [
        "Even OWASP's minimum (2 passes, 19456 KiB) costs more than 1 ms here: these are the cheapest values allowed.",
        "TWOSTEP_ARGON2_TIME_COST=2",
        "TWOSTEP_ARGON2_MEMORY_COST=19456",
        "TWOSTEP_ARGON2_PARALLELISM=1",
    ]
