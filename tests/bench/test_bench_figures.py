"""Smoke tests of how the benchmark makes its figures: the hasher timed inside a worker, the hash's share of the
sign-in's CPU, rounds and their spread, the summary table, the OTP comparison. Fast, with made-up measurements;
the figures themselves come from ``python -m bench``, never from tests."""

import os

import pytest

from bench import hash_timing, measure, pg, stats, summary
from bench.report import spread_text
from tests.hashers import CheapArgon2PasswordHasher

pytestmark = pytest.mark.bench


class TimedHasher(CheapArgon2PasswordHasher):
    """A class of this test's own, so wrapping it touches no hasher the other tests use."""


def test_the_hasher_is_timed_per_worker_and_still_answers(tmp_path):
    hash_timing.install("tests.bench.test_bench_figures.TimedHasher", str(tmp_path))
    hasher = TimedHasher()
    encoded = hasher.encode("bench password", hasher.salt())
    assert (hasher.verify("bench password", encoded), hasher.verify("other password", encoded)) == (True, False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [str(os.getpid())]
    calls, cpu = hash_timing.read(tmp_path)
    assert calls == 3
    assert 0 < cpu < 1  # three Argon2id hashes at 1 MiB, one pass


def test_a_rounds_cpu_is_split_into_the_hash_and_all_else():
    run = {"cpu": 1.9, "db_cpu": 0.1, "driver_cpu": 0.05, "hash_cpu": 1.7, "hash_calls": 10, "load": 3.5}
    assert round_values(measure.round_cpu(run, 10)) == {
        "server_cpu_ms": 190.0, "db_cpu_ms": 10.0, "driver_cpu_ms": 5.0, "hash_share": 0.85, "hash_ms_each": 170.0,
        "hashes_per_signin": 1.0, "other_cpu_ms": 30.0, "load": 3.5}
    changed = {**run, "db_cpu": None}  # a backend came or went: no share rather than a wrong one
    assert measure.round_cpu(changed, 10)["hash_share"] is None
    assert measure.round_cpu(changed, 10)["other_cpu_ms"] is None


def round_values(figures: dict) -> dict:
    return {k: None if v is None else round(v, 6) for k, v in figures.items()}


def _throughput_run(signins: int, counted: int, hash_cpu: float, load: float) -> dict:
    return {"window": 10.0, "counted": [{"start": 0.0, "end": 5.0, "page": 0.01, "password": 0.2, "code": 0.02,
                                         "home": 0.01}] * counted, "signins": signins, "failures": [],
            "driver_cpu": 0.02 * signins, "cpu": 0.2 * signins, "db_cpu": 0.005 * signins, "hash_cpu": hash_cpu,
            "hash_calls": signins, "load": load}


def test_throughput_rounds_keep_their_spread_and_their_load():
    runs = [_throughput_run(100, 90, 18.0, 2.0), _throughput_run(100, 80, 17.0, 9.0),
            _throughput_run(100, 95, 16.0, 4.0)]
    floors = [{"per_second": 10.0, "cpu_ms_each": 170.0}, {"per_second": 8.0, "cpu_ms_each": 180.0},
              {"per_second": 10.0, "cpu_ms_each": 175.0}]
    figures = measure.combine_throughput(runs, 4, floors)
    assert {k: round_values(v) for k, v in figures["spread"].items()} == {
        "hash_share": {"min": round(16 / 20.5, 6), "median": round(17 / 20.5, 6), "max": round(18 / 20.5, 6),
                       "rounds": 3},
        "other_cpu_ms": {"min": 25.0, "median": 35.0, "max": 45.0, "rounds": 3},
        "hash_ms_each": {"min": 160.0, "median": 170.0, "max": 180.0, "rounds": 3},
        "per_second": {"min": 8.0, "median": 9.0, "max": 9.5, "rounds": 3},
        "ratio_to_floor": {"min": 0.9, "median": 0.95, "max": 1.0, "rounds": 3},
        "load": {"min": 2.0, "median": 4.0, "max": 9.0, "rounds": 3}}
    assert round(figures["hash_share"], 6) == round(51 / 61.5, 6)  # all rounds pooled
    assert (figures["counted"], figures["per_second"], figures["ratio_to_floor"]) == (265, 265 / 30, 0.95)


def test_the_peer_is_compared_round_by_round():
    ours = [{"other_cpu_ms": 10.0}, {"other_cpu_ms": 30.0}, {"other_cpu_ms": 12.0}]
    peer = [{"other_cpu_ms": 20.0}, {"other_cpu_ms": 40.0}, {"other_cpu_ms": 20.0}]
    assert measure.paired(ours, peer, "other_cpu_ms") == {"min": 0.5, "median": 0.6, "max": 0.75, "rounds": 3}
    assert stats.spread([None, None]) is None
    assert spread_text({"min": 0.5, "median": 0.6, "max": 0.75, "rounds": 3}, 2) == "0.60 (0.50-0.75)"
    assert spread_text({"min": 0.5, "median": 0.5, "max": 0.5, "rounds": 1}, 2) == "0.50"
    assert spread_text(None) == "n/a"


def _code_round(cpu: float, p99: float, seconds: list[float]) -> dict:
    return {"requests": 100, "signed_in": 100, "concurrency": 4, "requests_per_second": 200.0, "p50_ms": 10.0,
            "p99_ms": p99, "server_cpu_ms": cpu, "db_cpu_ms": 1.0, "load": 5.0, "seconds": seconds,
            "failures": {"count": 0, "examples": []}}


def test_code_requests_alone_are_rounds_too():
    figures = measure.combine_codes([_code_round(4.0, 30.0, [0.01, 0.02]), _code_round(5.0, 60.0, [0.03, 0.04])])
    assert figures["spread"]["server_cpu_ms"] == {"min": 4.0, "median": 4.5, "max": 5.0, "rounds": 2}
    assert figures["spread"]["p99_ms"] == {"min": 30.0, "median": 45.0, "max": 60.0, "rounds": 2}
    assert (figures["requests"], figures["p50_ms"], figures["p99_ms"]) == (200, 20.0, 40.0)
    assert "seconds" not in figures["rounds"][0]


def test_the_server_meter_reads_the_workers_the_database_and_the_hasher(tmp_path, monkeypatch):
    monkeypatch.setattr(pg, "backend_pids", lambda url: [])

    class Server:
        hash_times = tmp_path

        @staticmethod
        def worker_pids():
            return [os.getpid()]

    (tmp_path / "4242").write_text("2 0.5\n")
    meter = measure.ServerMeter(Server(), "postgresql://bench@127.0.0.1/none")
    meter.start()
    (tmp_path / "4242").write_text("5 1.25\n")
    sum(i * i for i in range(200_000))  # some CPU of this "worker"
    used = meter.stop()
    assert (used["hash_calls"], used["hash_cpu"], used["db_cpu"]) == (3, 0.75, 0.0)
    assert used["cpu"] > 0


def test_the_summary_table_shows_each_spread():
    share = {"min": 0.84, "median": 0.86, "max": 0.87, "rounds": 3}
    figures = {"spread": {"hash_share": share, "hash_ms_each": {"min": 170, "median": 172, "max": 180, "rounds": 3},
                          "other_cpu_ms": {"min": 20, "median": 25, "max": 30, "rounds": 3},
                          "ratio_to_floor": share, "load": {"min": 3, "median": 9, "max": 17, "rounds": 3}},
               "per_second": 9.6, "failures": {"count": 0},
               "latency_ms": {step: {"p50": 100, "p99": 200} for step in ("flow", "page", "password", "code", "home")}}
    rows = summary.rows({"signin": {"signin": {"floor": 10.9, "twostep": {"c4": figures}}}})
    assert rows[1] == ("1 hash share of sign-in CPU, c=4", "0.860 (0.840-0.870)", "", ">= 0.95", "NO")
    assert rows[2] == ("1   hash ms CPU in the workers / all else ms, c=4", "172 (170-180) / 25.0 (20.0-30.0)", "", "",
                       "")
    assert rows[5] == ("1   wall: ratio to floor (load 9.0 (3.0-17.0)), c=4", "0.860 (0.840-0.870)", "", "", "")


def test_the_otp_core_is_compared_like_for_like():
    from bench import otp_core

    figures = otp_core.main(count=20, rounds=2, repeat=1)
    assert (figures["cases"], figures["accepted"], figures["agree"]) == (20, 10, 20)
    assert sorted(figures["comparisons"]) == ["from the base32 secret", "with a prepared key"]
    for comparison in figures["comparisons"].values():
        assert comparison["ratio"]["rounds"] == 2
        assert comparison["twostep"] > 0 and comparison["pyotp"] > 0
