"""Items 1 and 2: sign-in throughput against the Argon2 floor, and server CPU per sign-in with the
diagnostic hasher, for twostep and for the peer app (django-allauth MFA) in the same run.

The apps and the floor are measured in alternating rounds (floor, twostep, peer; again), and so are the
diagnostic-hasher sign-ins and the code request alone (twostep, peer; again), so a change in the machine's load
during the run falls on all of them alike; every figure is printed as the median of the rounds with their
min-max. The headline of item 1 is CPU time: the hash's share of the sign-in's server CPU (bench.measure).
"""

import contextlib
from dataclasses import dataclass

from bench import measure, pg
from bench.floor import Floor
from bench.peer import Peer, ensure_venv, versions
from bench.report import num, say, spread_text
from bench.runenv import AccountPool, RunEnv
from bench.server import Server


@dataclass
class App:
    label: str  # "twostep" or "peer"
    flow: str
    database_url: str
    pool: AccountPool
    server: Server | None = None


def sizes(quick: bool) -> dict:
    return {"accounts": 600 if quick else 3000, "rounds": 1 if quick else 3, "window": 6.0 if quick else 10.0,
            "ramp": 1.5 if quick else 3.0, "floor": 3.0 if quick else 4.0,
            "signins": 80 if quick else 200, "overhead_rounds": 2 if quick else 5,
            "codes": 60 if quick else 300, "code_rounds": 2 if quick else 3}


@contextlib.contextmanager
def _databases(run: RunEnv, accounts: int, with_peer: bool):
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(pg.temporary_database("signin"))
        run.prepare_database(url)
        seeded = run.task(run.django_env(url), "seed", "--users", str(accounts), "--orgs",
                          str(max(accounts // 10, 4)), "--mfa-every", "1", "--accounts", str(accounts))
        apps = [App("twostep", "twostep", url, AccountPool(seeded["accounts"]))]
        peer = None
        if with_peer:
            ensure_venv()
            peer_url = stack.enter_context(pg.temporary_database("peer"))
            peer = Peer(run, peer_url)
            secrets = sorted({account[2] for account in seeded["accounts"]})
            apps.append(App("peer", "allauth", peer_url,
                            AccountPool(peer.seed(len(seeded["accounts"]), secrets, fast_hasher=False))))
        yield apps, peer


def _servers(run: RunEnv, stack: contextlib.ExitStack, apps: list[App], peer: Peer | None, *, fast: bool):
    kind = "overhead" if fast else "signin"
    for app in apps:
        if app.label == "twostep":
            server = run.twostep_server(app.database_url, fast_hasher=fast, name=f"{kind}-twostep")
        else:
            server = peer.server(fast_hasher=fast, name=f"{kind}-peer")
        app.server = stack.enter_context(server)
        measure.warm_up(run, app.server, app.pool, app.flow, count=20 if fast else 6)


def run_signin(run: RunEnv, *, parts: set[str], concurrencies: list[int], with_peer: bool) -> dict:
    size = sizes(run.quick)
    out: dict = {"sizes": size}
    with _databases(run, size["accounts"], with_peer) as (apps, peer):
        if peer:
            out["peer_versions"] = versions()
        if "signin" in parts:
            with contextlib.ExitStack() as stack:
                _servers(run, stack, apps, peer, fast=False)
                out["signin"] = _throughputs(run, apps, size, concurrencies)
        if "overhead" in parts:
            run.task(run.django_env(apps[0].database_url, fast_hasher=True), "set-password")
            if peer:
                peer.set_password_hash(fast_hasher=True)
            with contextlib.ExitStack() as stack:
                _servers(run, stack, apps, peer, fast=True)
                out["overhead"] = _overheads(run, apps, size)
    return out


def _throughputs(run: RunEnv, apps: list[App], size: dict, concurrencies: list[int]) -> dict:
    result: dict = {"floors": [], "rounds": size["rounds"], "window_seconds": size["window"]}
    with Floor() as floor:
        for concurrency in concurrencies:
            runs: dict[str, list] = {app.label: [] for app in apps}
            floors = []
            for _ in range(size["rounds"]):
                floors.append(floor.measure(size["floor"]))
                # Count completions only after two flow latencies (``concurrency`` sign-ins at the floor).
                ramp = max(size["ramp"], 2 * concurrency / floors[-1]["per_second"])
                for app in apps:
                    runs[app.label].append(measure.throughput(run, app.server, app.pool, app.flow,
                                                              app.database_url, concurrency=concurrency,
                                                              ramp=ramp, window=size["window"]))
            result["floors"] += floors
            say(f"Argon2 floor (c={concurrency} rounds)", ", ".join(f"{f['per_second']:.2f}" for f in floors) +
                f" verifications/s in 2 processes ({floors[0]['cpu_ms_each']:.0f} ms CPU each)")
            for app in apps:
                figures = measure.combine_throughput(runs[app.label], concurrency, floors)
                result.setdefault(app.label, {})[f"c{concurrency}"] = figures
                _say_throughput(app.label, figures)
            if len(apps) == 2:
                ours, peer = (result[app.label][f"c{concurrency}"]["rounds"] for app in apps)
                result.setdefault("paired", {})[f"c{concurrency}"] = {
                    key: measure.paired(ours, peer, key) for key in ("other_cpu_ms", "hash_share", "per_second")}
                say(f"twostep / peer, c={concurrency}", "CPU besides the hash " +
                    spread_text(result["paired"][f"c{concurrency}"]["other_cpu_ms"], 2) + " (round by round)")
    result["floor"] = sum(f["per_second"] for f in result["floors"]) / len(result["floors"])
    return result


def _say_throughput(label: str, figures: dict) -> None:
    spread, c, lat = figures["spread"], figures["concurrency"], figures["latency_ms"]["flow"]
    say(f"{label} hash share of CPU, c={c}",
        f"{spread_text(spread['hash_share'], 3)}; the hash {spread_text(spread['hash_ms_each'], 0)} ms CPU in the "
        f"workers ({num(figures['hashes_per_signin'], 2)} per sign-in), all else "
        f"{spread_text(spread['other_cpu_ms'])} ms per sign-in (load driver apart: {num(figures['driver_cpu_ms'])} ms)")
    say(f"{label} wall clock, c={c}",
        f"{figures['per_second']:.2f} sign-ins/s, {spread_text(spread['ratio_to_floor'], 3)} x floor at load "
        f"{spread_text(spread['load'], 1)}; flow p50 {lat['p50']} ms p99 {lat['p99']} ms, "
        f"failures {figures['failures']['count']}")
    _show_failures(figures["failures"])


def _overheads(run: RunEnv, apps: list[App], size: dict) -> dict:
    """CPU per sign-in with the diagnostic hasher, then the code request alone: each in rounds, alternating."""
    runs: dict[str, list] = {app.label: [] for app in apps}
    codes: dict[str, list] = {app.label: [] for app in apps}
    for _ in range(size["overhead_rounds"]):
        for app in apps:
            runs[app.label].append(measure.cpu_run(run, app.server, app.pool, app.flow, app.database_url,
                                                   signins=size["signins"] // size["overhead_rounds"]))
    for _ in range(size["code_rounds"]):
        for app in apps:
            codes[app.label].append(measure.code_only(run, app.server, app.pool, app.flow, app.database_url,
                                                      count=size["codes"] // size["code_rounds"]))
    result: dict = {}
    for app in apps:
        figures = measure.combine_cpu(runs[app.label], concurrency=4)
        figures["code_only"] = measure.combine_codes(codes[app.label])
        result[app.label] = figures
        _say_overhead(app.label, figures)
    if len(apps) == 2:
        result["paired"] = {"server_cpu_ms": measure.paired(result["twostep"]["rounds"], result["peer"]["rounds"],
                                                            "server_cpu_ms"),
                            "code_server_cpu_ms": measure.paired(result["twostep"]["code_only"]["rounds"],
                                                                 result["peer"]["code_only"]["rounds"],
                                                                 "server_cpu_ms")}
        say("twostep / peer, app CPU", f"per sign-in {spread_text(result['paired']['server_cpu_ms'], 2)}, per code "
            f"request alone {spread_text(result['paired']['code_server_cpu_ms'], 2)} (round by round)")
    return result


def _say_overhead(label: str, figures: dict) -> None:
    spread, codes = figures["spread"], figures["code_only"]
    say(f"{label} CPU per sign-in", f"{spread_text(spread['server_cpu_ms'])} ms app, "
        f"{spread_text(spread['db_cpu_ms'])} ms database (median (min-max) of {spread['server_cpu_ms']['rounds']} "
        f"rounds) at load {spread_text(spread['load'])}")
    code = codes["spread"]
    say(f"{label} code request alone", f"{spread_text(code['server_cpu_ms'], 2)} ms app and "
        f"{spread_text(code['db_cpu_ms'], 2)} ms database CPU each; {spread_text(code['requests_per_second'], 0)}"
        f"/s, p99 {spread_text(code['p99_ms'])} ms at load {spread_text(code['load'])}")
    _show_failures(figures["failures"])
    _show_failures(codes["failures"])


def _show_failures(failures: dict) -> None:
    for failure in failures["examples"]:
        print(f"    failed: {failure['email']}: {failure['error']}", flush=True)
