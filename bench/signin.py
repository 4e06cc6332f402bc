"""Items 1 and 2: sign-in throughput against the Argon2 floor, and server CPU per sign-in with the
diagnostic hasher, each for twostep and for the peer app (django-allauth MFA), in the same run."""

import contextlib

from bench import floor, pg
from bench.measure import overhead, throughput, warm_up
from bench.peer import Peer, ensure_venv, versions
from bench.report import num, say
from bench.runenv import AccountPool, RunEnv


@contextlib.contextmanager
def _twostep(run: RunEnv, accounts: int):
    with pg.temporary_database("signin") as url:
        run.prepare_database(url)
        seeded = run.task(run.django_env(url), "seed", "--users", str(accounts), "--orgs", str(max(accounts // 10, 4)),
                          "--mfa-every", "1", "--accounts", str(accounts))
        yield url, AccountPool(seeded["accounts"])


@contextlib.contextmanager
def _peer(run: RunEnv, accounts: list, *, fast_hasher: bool):
    ensure_venv()
    with pg.temporary_database("peer") as url:
        peer = Peer(run, url)
        secrets = sorted({account[2] for account in accounts})
        yield peer, AccountPool(peer.seed(len(accounts), secrets, fast_hasher=fast_hasher))


def run_signin(run: RunEnv, *, parts: set[str], concurrencies: list[int], with_peer: bool) -> dict:
    sizes = {"accounts": 600 if run.quick else 3000, "window": 6.0 if run.quick else 20.0,
             "ramp": 1.5 if run.quick else 3.0, "floor": 3.0 if run.quick else 10.0,
             "signins": 80 if run.quick else 400, "codes": 60 if run.quick else 300}
    out: dict = {"sizes": sizes}
    with contextlib.ExitStack() as stack:
        url, pool = stack.enter_context(_twostep(run, sizes["accounts"]))
        peer = peer_pool = None
        if with_peer:
            peer, peer_pool = stack.enter_context(_peer(run, pool.accounts, fast_hasher=False))
            out["peer_versions"] = versions()
        if "signin" in parts:
            out["signin"] = _throughputs(run, url, pool, peer, peer_pool, sizes, concurrencies)
        if "overhead" in parts:
            out["overhead"] = _overheads(run, url, pool, peer, peer_pool, sizes)
    return out


def _throughputs(run, url, pool, peer, peer_pool, sizes, concurrencies) -> dict:
    result: dict = {"floor_before": floor.measure(sizes["floor"])}
    say("Argon2 floor", f"{result['floor_before']['per_second']:.2f} verifications/s in 2 processes "
        f"({result['floor_before']['cpu_ms_each']:.0f} ms CPU each)")
    servers = [("twostep", "twostep", lambda: run.twostep_server(url, fast_hasher=False, name="signin-twostep"), pool)]
    if peer:
        servers.append(("peer", "allauth", lambda: peer.server(fast_hasher=False, name="signin-peer"), peer_pool))
    for label, flow, make, accounts in servers:
        with make() as server:
            warm_up(run, server, accounts, flow)
            for concurrency in concurrencies:
                # Measure after two flow latencies (the time ``concurrency`` sign-ins take at the floor).
                ramp = max(sizes["ramp"], 2 * concurrency / result["floor_before"]["per_second"])
                figures = throughput(run, server, accounts, flow, concurrency=concurrency,
                                     duration=ramp + sizes["window"], ramp=ramp)
                result.setdefault(label, {})[f"c{concurrency}"] = figures
                lat = figures["latency_ms"]
                say(f"{label} sign-in c={concurrency}",
                    f"{figures['per_second']:.2f}/s, flow p50 {lat['flow']['p50']} ms p99 {lat['flow']['p99']} ms, "
                    f"failures {figures['failures']['count']}")
    result["floor_after"] = floor.measure(sizes["floor"])
    result["floor"] = (result["floor_before"]["per_second"] + result["floor_after"]["per_second"]) / 2
    say("Argon2 floor (after)", f"{result['floor_after']['per_second']:.2f}/s; mean {result['floor']:.2f}/s")
    for label in ("twostep", "peer"):
        for figures in result.get(label, {}).values():
            figures["ratio_to_floor"] = figures["per_second"] / result["floor"]
    return result


def _overheads(run, url, pool, peer, peer_pool, sizes) -> dict:
    result: dict = {}
    run.task(run.django_env(url, fast_hasher=True), "set-password")
    servers = [("twostep", "twostep", lambda: run.twostep_server(url, fast_hasher=True, name="overhead-twostep"),
                pool, url)]
    if peer:
        peer.set_password_hash(fast_hasher=True)
        servers.append(("peer", "allauth", lambda: peer.server(fast_hasher=True, name="overhead-peer"), peer_pool,
                        peer.database_url))
    for label, flow, make, accounts, database_url in servers:
        with make() as server:
            warm_up(run, server, accounts, flow, count=20)
            figures = overhead(run, server, accounts, flow, database_url, signins=sizes["signins"],
                               codes=sizes["codes"])
            result[label] = figures
            say(f"{label} CPU per sign-in", f"{num(figures['server_cpu_ms_per_signin'])} ms app, "
                f"{num(figures['db_cpu_ms_per_signin'])} ms database; code request alone "
                f"{figures['code_only']['requests_per_second']:.0f}/s p99 {figures['code_only']['p99_ms']} ms")
    return result
