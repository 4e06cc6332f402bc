"""Measurements against a running server: sign-in throughput, and server CPU per sign-in. Each
function measures one run; ``combine_*`` add up runs made in alternating rounds."""

import statistics

from bench import pg, stats
from bench.procstat import CpuMeter
from bench.runenv import AccountPool, RunEnv
from bench.server import Server


def failures_of(result: dict) -> dict:
    return {"count": len(result["failures"]), "examples": result["failures"][:5]}


def warm_up(run: RunEnv, server: Server, pool: AccountPool, flow: str, count: int = 6) -> None:
    """A few sign-ins first, so imports, connections and caches are warm when measuring."""
    result = run.drive(server, flow, pool.take(count * 2), concurrency=2, count=count)
    pool.used(result)
    if result["failures"]:
        raise RuntimeError(f"{server.name}: warm-up sign-ins failed: {result['failures'][:3]}")


def throughput(run: RunEnv, server: Server, pool: AccountPool, flow: str, database_url: str, *,
               concurrency: int, ramp: float, window: float) -> dict:
    """Sign-ins at ``concurrency`` for ``ramp + window`` seconds; those completed in the window count."""
    workers, database = CpuMeter(server.worker_pids), CpuMeter(lambda: pg.backend_pids(database_url))
    workers.start()
    database.start()
    result = run.drive(server, flow, pool.take(), concurrency=concurrency, duration=ramp + window)
    cpu, same = workers.stop()
    db_cpu, same_backends = database.stop()
    pool.used(result)
    counted = [r for r in result["records"] if ramp <= r["end"] < ramp + window]
    return {"window": window, "counted": counted, "signins": len(result["records"]), "cpu": cpu if same else None,
            "db_cpu": db_cpu if same_backends else None, "failures": result["failures"],
            "driver_cpu": result["driver_cpu"]}


def combine_throughput(runs: list[dict], concurrency: int, floors: list[dict]) -> dict:
    """Runs made in rounds, each right after a floor measurement (``floors``, the same length).

    ``ratio_to_floor`` is the median of the rounds' ratios, so one round at a moment of different machine
    load does not tip it; ``pooled_ratio`` is all sign-ins over all floors. ``cpu_ratio`` is what the
    ratio is on a machine that does nothing else: the CPU of one verification over all the CPU one sign-in
    takes (app server, database and load driver), which other work on the machine hardly changes."""
    records = [r for run in runs for r in run["counted"]]
    rates = [f["per_second"] for f in floors]
    floor = sum(rates) / len(rates)
    ratios = sorted(len(run["counted"]) / run["window"] / rate for run, rate in zip(runs, rates, strict=True))
    window = sum(run["window"] for run in runs)
    done = max(sum(run["signins"] for run in runs), 1)
    failures = [f for run in runs for f in run["failures"]]
    per_second = len(records) / window
    cpu = {key: None if any(run[key] is None for run in runs) else 1000 * sum(run[key] for run in runs) / done
           for key in ("cpu", "db_cpu", "driver_cpu")}
    hash_ms = sum(f["cpu_ms_each"] for f in floors) / len(floors)
    return {"concurrency": concurrency, "per_second": per_second, "floor": floor,
            "ratio_to_floor": statistics.median(ratios), "round_ratios": ratios, "pooled_ratio": per_second / floor,
            "cpu_ratio": None if None in cpu.values() else hash_ms / sum(cpu.values()), "hash_cpu_ms": hash_ms,
            "counted": len(records), "window_seconds": window, "latency_ms": stats.latencies(records),
            "failures": {"count": len(failures), "examples": failures[:5]},
            "server_cpu_ms_per_signin": cpu["cpu"], "db_cpu_ms_per_signin": cpu["db_cpu"],
            "driver_cpu_ms_per_signin": cpu["driver_cpu"]}


def cpu_run(run: RunEnv, server: Server, pool: AccountPool, flow: str, database_url: str, *, signins: int,
            concurrency: int = 4) -> dict:
    """``signins`` complete sign-ins; CPU of the gunicorn workers and, apart, of their database backends."""
    workers, database = CpuMeter(server.worker_pids), CpuMeter(lambda: pg.backend_pids(database_url))
    workers.start()
    database.start()
    result = run.drive(server, flow, pool.take(signins), concurrency=concurrency, count=signins)
    worker_cpu, same_workers = workers.stop()
    db_cpu, same_backends = database.stop()
    pool.used(result)
    return {"records": result["records"], "elapsed": result["elapsed"], "failures": result["failures"],
            "cpu": worker_cpu if same_workers else None, "db_cpu": db_cpu if same_backends else None,
            "driver_cpu": result["driver_cpu"]}


def combine_cpu(runs: list[dict], concurrency: int) -> dict:
    done = sum(len(run["records"]) for run in runs)
    elapsed = sum(run["elapsed"] for run in runs)
    failures = [f for run in runs for f in run["failures"]]

    def per_signin(key):
        values = [run[key] for run in runs]
        return None if None in values else 1000 * sum(values) / max(done, 1)

    return {"signins": done, "concurrency": concurrency, "failures": {"count": len(failures),
                                                                        "examples": failures[:5]},
            "server_cpu_ms_per_signin": per_signin("cpu"), "db_cpu_ms_per_signin": per_signin("db_cpu"),
            "driver_cpu_ms_per_signin": per_signin("driver_cpu"),
            "signins_per_second": done / elapsed, "requests_per_second": 4 * done / elapsed,
            "latency_ms": stats.latencies([r for run in runs for r in run["records"]])}


def code_only(run: RunEnv, server: Server, pool: AccountPool, flow: str, *, count: int, concurrency: int = 4) -> dict:
    """``count`` sign-ins brought to the code step, then only their code requests timed."""
    result = run.drive(server, flow, pool.take(count), concurrency=concurrency, count=count, mode="codes")
    pool.used(result)
    seconds = result["code_seconds"]
    return {"requests": result["requests"], "signed_in": len(seconds), "concurrency": concurrency,
            "requests_per_second": result["requests"] / result["elapsed"],
            "p50_ms": stats.ms(stats.percentile(seconds, 50)), "p99_ms": stats.ms(stats.percentile(seconds, 99)),
            "failures": failures_of(result)}
