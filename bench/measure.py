"""Measurements against a running server: sign-in throughput, server CPU per sign-in and the code request
alone. Each function measures one round; ``combine_*`` add up rounds made alternating with the peer, and keep
each round's figures so their spread (min/median/max) can be printed.

CPU time is the headline: the gunicorn workers' and their PostgreSQL backends' user+system time from /proc,
and the password hasher's own CPU time inside the workers (``bench.hash_timing``). Other work on a shared
machine moves wall-clock rates a lot and these little; each round records the 1-minute load average beside them.
"""

import os
import statistics

from bench import hash_timing, pg, stats
from bench.procstat import CpuMeter
from bench.runenv import AccountPool, RunEnv
from bench.server import Server


def failures_of(result: dict) -> dict:
    return {"count": len(result["failures"]), "examples": result["failures"][:5]}


def load() -> float:
    return os.getloadavg()[0]


def warm_up(run: RunEnv, server: Server, pool: AccountPool, flow: str, count: int = 6) -> None:
    """A few sign-ins first, so imports, connections and caches are warm when measuring."""
    result = run.drive(server, flow, pool.take(count * 2), concurrency=2, count=count)
    pool.used(result)
    if result["failures"]:
        raise RuntimeError(f"{server.name}: warm-up sign-ins failed: {result['failures'][:3]}")


class ServerMeter:
    """CPU seconds of a server's workers, of their database backends and of the hasher inside the workers
    between ``start()`` and ``stop()``; a figure is None when its processes changed meanwhile."""

    def __init__(self, server: Server, database_url: str):
        self.workers = CpuMeter(server.worker_pids)
        self.database = CpuMeter(lambda: pg.backend_pids(database_url))
        self.hash_times = server.hash_times

    def start(self) -> None:
        self.load = load()
        self.workers.start()
        self.database.start()
        self.hashes = hash_timing.read(self.hash_times) if self.hash_times else None

    def stop(self) -> dict:
        cpu, same = self.workers.stop()
        db_cpu, same_backends = self.database.stop()
        out = {"cpu": cpu if same else None, "db_cpu": db_cpu if same_backends else None, "hash_calls": None,
               "hash_cpu": None, "load": (self.load + load()) / 2}
        if self.hashes is not None:
            calls, hash_cpu = hash_timing.read(self.hash_times)
            out.update(hash_calls=calls - self.hashes[0], hash_cpu=hash_cpu - self.hashes[1])
        return out


def throughput(run: RunEnv, server: Server, pool: AccountPool, flow: str, database_url: str, *,
               concurrency: int, ramp: float, window: float) -> dict:
    """Sign-ins at ``concurrency`` for ``ramp + window`` seconds; those completed in the window count for the
    rate, every one for the CPU per sign-in."""
    meter = ServerMeter(server, database_url)
    meter.start()
    result = run.drive(server, flow, pool.take(), concurrency=concurrency, duration=ramp + window)
    used = meter.stop()
    pool.used(result)
    counted = [r for r in result["records"] if ramp <= r["end"] < ramp + window]
    return {"window": window, "counted": counted, "signins": len(result["records"]), "failures": result["failures"],
            "driver_cpu": result["driver_cpu"], **used}


def round_cpu(run: dict, signins: int) -> dict:
    """Milliseconds per sign-in of one round, and the hash's share of the server's CPU (workers + database)."""
    def per(key):
        return None if run.get(key) is None else 1000 * run[key] / max(signins, 1)

    server = None if run["cpu"] is None or run["db_cpu"] is None else run["cpu"] + run["db_cpu"]
    hashed = run.get("hash_cpu")
    return {"server_cpu_ms": per("cpu"), "db_cpu_ms": per("db_cpu"), "driver_cpu_ms": per("driver_cpu"),
            "hash_share": stats.ratio(hashed, server),
            "hash_ms_each": stats.ratio(None if hashed is None else 1000 * hashed, run.get("hash_calls")),
            "hashes_per_signin": stats.ratio(run.get("hash_calls"), signins),
            "other_cpu_ms": None if hashed is None or server is None else 1000 * (server - hashed) / max(signins, 1),
            "load": run["load"]}


def _pooled_cpu(runs: list[dict], signins: int) -> dict:
    keys = ("cpu", "db_cpu", "driver_cpu", "hash_cpu", "hash_calls")
    total = {key: None if any(r.get(key) is None for r in runs) else sum(r[key] for r in runs) for key in keys}
    return round_cpu({**total, "load": statistics.mean(r["load"] for r in runs)}, signins)


def spreads(rounds: list[dict], keys: tuple[str, ...]) -> dict:
    return {key: stats.spread([r[key] for r in rounds]) for key in keys}


def combine_throughput(runs: list[dict], concurrency: int, floors: list[dict]) -> dict:
    """Rounds, each right after a floor measurement (``floors``, the same length). The headline is the hash's
    share of the sign-in's server CPU (what sign-ins/s over the floor would be on a machine serving nothing
    else, the load driver apart); wall-clock sign-ins/s and their ratio to the floor are kept, each round with
    its load average, because on a shared machine they move with the load."""
    rounds = []
    for run, floor in zip(runs, floors, strict=True):
        rate = len(run["counted"]) / run["window"]
        rounds.append({"per_second": rate, "ratio_to_floor": rate / floor["per_second"],
                       "floor_per_second": floor["per_second"], **round_cpu(run, run["signins"])})
    records = [r for run in runs for r in run["counted"]]
    window = sum(run["window"] for run in runs)
    floor = statistics.mean(f["per_second"] for f in floors)
    failures = [f for run in runs for f in run["failures"]]
    pooled = _pooled_cpu(runs, sum(run["signins"] for run in runs))
    return {"concurrency": concurrency, "per_second": len(records) / window, "floor": floor,
            "ratio_to_floor": statistics.median(r["ratio_to_floor"] for r in rounds),
            "floor_cpu_ms_each": statistics.mean(f["cpu_ms_each"] for f in floors),
            "rounds": rounds, "spread": spreads(rounds, ("hash_share", "other_cpu_ms", "hash_ms_each", "per_second",
                                                          "ratio_to_floor", "load")),
            "counted": len(records), "window_seconds": window, "latency_ms": stats.latencies(records),
            "failures": {"count": len(failures), "examples": failures[:5]}, **pooled}


def cpu_run(run: RunEnv, server: Server, pool: AccountPool, flow: str, database_url: str, *, signins: int,
            concurrency: int = 4) -> dict:
    """``signins`` complete sign-ins; CPU of the gunicorn workers and, apart, of their database backends."""
    meter = ServerMeter(server, database_url)
    meter.start()
    result = run.drive(server, flow, pool.take(signins), concurrency=concurrency, count=signins)
    used = meter.stop()
    pool.used(result)
    return {"records": result["records"], "elapsed": result["elapsed"], "failures": result["failures"],
            "driver_cpu": result["driver_cpu"], **used}


def combine_cpu(runs: list[dict], concurrency: int) -> dict:
    done = sum(len(run["records"]) for run in runs)
    elapsed = sum(run["elapsed"] for run in runs)
    failures = [f for run in runs for f in run["failures"]]
    rounds = [{**round_cpu(run, len(run["records"])), "per_second": len(run["records"]) / run["elapsed"]}
              for run in runs]
    pooled = _pooled_cpu(runs, done)
    return {"signins": done, "concurrency": concurrency, "failures": {"count": len(failures),
                                                                        "examples": failures[:5]},
            "server_cpu_ms_per_signin": pooled["server_cpu_ms"], "db_cpu_ms_per_signin": pooled["db_cpu_ms"],
            "driver_cpu_ms_per_signin": pooled["driver_cpu_ms"], "rounds": rounds,
            "spread": spreads(rounds, ("server_cpu_ms", "db_cpu_ms", "per_second", "load")),
            "signins_per_second": done / elapsed, "requests_per_second": 4 * done / elapsed,
            "latency_ms": stats.latencies([r for run in runs for r in run["records"]])}


def code_only(run: RunEnv, server: Server, pool: AccountPool, flow: str, database_url: str, *, count: int,
              concurrency: int = 4) -> dict:
    """One round: ``count`` sign-ins brought to the code step, then only their code requests timed, with the
    CPU the server spent on them (read by the driver right before and after those requests)."""
    pids = {"workers": server.worker_pids(), "db": pg.backend_pids(database_url)}
    start_load = load()
    result = run.drive(server, flow, pool.take(count), concurrency=concurrency, count=count, mode="codes",
                       cpu_pids=pids)
    same = pids == {"workers": server.worker_pids(), "db": pg.backend_pids(database_url)}
    pool.used(result)
    seconds, requests = result["code_seconds"], max(result["requests"], 1)
    cpu = result["code_cpu"] if same else {"workers": None, "db": None}
    return {"requests": result["requests"], "signed_in": len(seconds), "concurrency": concurrency,
            "requests_per_second": result["requests"] / result["elapsed"],
            "p50_ms": stats.ms(stats.percentile(seconds, 50)), "p99_ms": stats.ms(stats.percentile(seconds, 99)),
            "server_cpu_ms": stats.ratio(None if cpu["workers"] is None else 1000 * cpu["workers"], requests),
            "db_cpu_ms": stats.ratio(None if cpu["db"] is None else 1000 * cpu["db"], requests),
            "load": (start_load + load()) / 2, "seconds": seconds, "failures": failures_of(result)}


def combine_codes(rounds: list[dict]) -> dict:
    """Rounds of ``code_only``: the spread of each figure, and p50/p99 over every code request."""
    seconds = [s for r in rounds for s in r["seconds"]]
    failures = [f for r in rounds for f in r["failures"]["examples"]]
    return {"rounds": [{k: v for k, v in r.items() if k not in ("seconds", "failures")} for r in rounds],
            "spread": spreads(rounds, ("server_cpu_ms", "db_cpu_ms", "requests_per_second", "p50_ms", "p99_ms",
                                       "load")),
            "requests": sum(r["requests"] for r in rounds), "signed_in": sum(r["signed_in"] for r in rounds),
            "p50_ms": stats.ms(stats.percentile(seconds, 50)), "p99_ms": stats.ms(stats.percentile(seconds, 99)),
            "failures": {"count": sum(r["failures"]["count"] for r in rounds), "examples": failures[:5]}}


def paired(ours: list[dict], peers: list[dict], key: str) -> dict | None:
    """The spread of twostep / peer of ``key`` round by round (each pair measured one right after the other)."""
    return stats.spread([stats.ratio(a[key], b[key]) for a, b in zip(ours, peers, strict=True)])

