"""Measurements against a running server: sign-in throughput, and server CPU per sign-in."""

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


def throughput(run: RunEnv, server: Server, pool: AccountPool, flow: str, *, concurrency: int,
               duration: float, ramp: float) -> dict:
    """Complete sign-ins per second at ``concurrency`` (completions after ``ramp`` until ``duration``)."""
    meter = CpuMeter(server.worker_pids)
    meter.start()
    result = run.drive(server, flow, pool.take(), concurrency=concurrency, duration=duration)
    cpu, same = meter.stop()
    pool.used(result)
    rate, counted = stats.window_rate(result["records"], ramp, duration)
    done = len(result["records"])
    return {"concurrency": concurrency, "per_second": rate, "counted": counted, "signins": done,
            "latency_ms": stats.latencies(result["records"]), "failures": failures_of(result),
            "server_cpu_ms_per_signin": 1000 * cpu / max(done, 1) if same else None,
            "driver_cpu_ms_per_signin": 1000 * result["driver_cpu"] / max(done, 1)}


def overhead(run: RunEnv, server: Server, pool: AccountPool, flow: str, database_url: str, *,
             signins: int, codes: int, concurrency: int = 4) -> dict:
    """Server CPU per complete sign-in (gunicorn workers; their PostgreSQL backends apart), then the
    code request alone: requests/s and latency."""
    workers, database = CpuMeter(server.worker_pids), CpuMeter(lambda: pg.backend_pids(database_url))
    workers.start()
    database.start()
    result = run.drive(server, flow, pool.take(signins), concurrency=concurrency, count=signins)
    worker_cpu, same_workers = workers.stop()
    db_cpu, same_backends = database.stop()
    pool.used(result)
    done = len(result["records"])
    codes_result = run.drive(server, flow, pool.take(codes), concurrency=concurrency, count=codes, mode="codes")
    pool.used(codes_result)
    code_seconds = codes_result["code_seconds"]
    return {
        "signins": done, "concurrency": concurrency, "failures": failures_of(result),
        "server_cpu_ms_per_signin": 1000 * worker_cpu / max(done, 1) if same_workers else None,
        "db_cpu_ms_per_signin": 1000 * db_cpu / max(done, 1) if same_backends else None,
        "driver_cpu_ms_per_signin": 1000 * result["driver_cpu"] / max(done, 1),
        "signins_per_second": done / result["elapsed"], "requests_per_second": 4 * done / result["elapsed"],
        "latency_ms": stats.latencies(result["records"]),
        "code_only": {"requests": codes_result["requests"], "signed_in": len(code_seconds),
                      "requests_per_second": codes_result["requests"] / codes_result["elapsed"],
                      "p50_ms": stats.ms(stats.percentile(code_seconds, 50)),
                      "p99_ms": stats.ms(stats.percentile(code_seconds, 99)),
                      "failures": failures_of(codes_result)},
    }
