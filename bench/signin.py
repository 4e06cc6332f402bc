"""Items 1 and 2: sign-in throughput against the Argon2 floor, and server CPU per sign-in with the
diagnostic hasher, for twostep and for the peer app (django-allauth MFA) in the same run.

The apps and the floor are measured in alternating rounds (floor, twostep, peer; again), so a change in
the machine's load during the run falls on all of them alike.
"""

import contextlib
from dataclasses import dataclass

from bench import measure, pg
from bench.floor import Floor
from bench.peer import Peer, ensure_venv, versions
from bench.report import num, say
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
            "signins": 80 if quick else 200, "codes": 60 if quick else 300}


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
            rates = [f["per_second"] for f in floors]
            result["floors"] += floors
            say(f"Argon2 floor (c={concurrency} rounds)", ", ".join(f"{rate:.2f}" for rate in rates) +
                f" verifications/s in 2 processes ({floors[0]['cpu_ms_each']:.0f} ms CPU each)")
            for app in apps:
                figures = measure.combine_throughput(runs[app.label], concurrency, floors)
                result.setdefault(app.label, {})[f"c{concurrency}"] = figures
                lat = figures["latency_ms"]["flow"]
                say(f"{app.label} sign-in c={concurrency}",
                    f"{figures['per_second']:.2f}/s, {figures['ratio_to_floor']:.3f} x floor (median of rounds; "
                    f"by CPU {num(figures['cpu_ratio'], 3)}), flow p50 {lat['p50']} ms p99 {lat['p99']} ms, "
                    f"failures {figures['failures']['count']}")
                _show_failures(figures["failures"])
    result["floor"] = sum(f["per_second"] for f in result["floors"]) / len(result["floors"])
    return result


def _overheads(run: RunEnv, apps: list[App], size: dict) -> dict:
    rounds = 2
    runs: dict[str, list] = {app.label: [] for app in apps}
    for _ in range(rounds):
        for app in apps:
            runs[app.label].append(measure.cpu_run(run, app.server, app.pool, app.flow, app.database_url,
                                                   signins=size["signins"] // rounds))
    result = {}
    for app in apps:
        figures = measure.combine_cpu(runs[app.label], concurrency=4)
        figures["code_only"] = measure.code_only(run, app.server, app.pool, app.flow, count=size["codes"])
        result[app.label] = figures
        _show_failures(figures["failures"])
        _show_failures(figures["code_only"]["failures"])
        say(f"{app.label} CPU per sign-in", f"{num(figures['server_cpu_ms_per_signin'])} ms app, "
            f"{num(figures['db_cpu_ms_per_signin'])} ms database; code request alone "
            f"{figures['code_only']['requests_per_second']:.0f}/s p99 {figures['code_only']['p99_ms']} ms")
    return result


def _show_failures(failures: dict) -> None:
    for failure in failures["examples"]:
        print(f"    failed: {failure['email']}: {failure['error']}", flush=True)
