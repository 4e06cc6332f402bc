"""Item 3: a million users. Seeding speed, sign-in p50 at 1M users against 1,000 users (two databases,
one sign-in at a time, in alternating rounds so a change in machine load hits both alike), the policy
query's plan, and turning *Require MFA* on for an organization of 50,000 members."""

import contextlib
import time

from bench import pg, stats
from bench.browser import Browser
from bench.flows import TWOSTEP, Account, begin, check_home, post_code
from bench.measure import failures_of, warm_up
from bench.report import num, say
from bench.runenv import AccountPool, RunEnv
from twostep.otp import time_step

FULL = {"users": 1_000_000, "orgs": 100_000, "big_org_members": 50_000}
QUICK = {"users": 20_000, "orgs": 2_000, "big_org_members": 5_000}
SMALL = {"users": 1_000, "orgs": 100, "big_org_members": 0}


@contextlib.contextmanager
def _database(run: RunEnv, purpose: str, size: dict, accounts: int):
    with pg.temporary_database(purpose) as url:
        run.prepare_database(url)
        seeded = run.task(run.django_env(url), "seed", "--users", str(size["users"]), "--orgs", str(size["orgs"]),
                          "--big-org-members", str(size["big_org_members"]), "--accounts", str(accounts))
        yield url, seeded


def run_scale(run: RunEnv, *, users: int | None) -> dict:
    big = dict(QUICK if run.quick else FULL)
    if users:
        big = {"users": users, "orgs": max(users // 10, 10), "big_org_members": min(50_000, users // 2)}
    rounds, per_round = (3, 4) if run.quick else (10, 6)
    out: dict = {"size": big, "small_size": SMALL}
    with contextlib.ExitStack() as stack:
        start = time.perf_counter()
        big_url, big_seed = stack.enter_context(_database(run, "scale", big, accounts=400))
        out["seed"] = {"counts": big_seed["counts"], "seconds": big_seed["seconds"],
                       "with_migrate_seconds": time.perf_counter() - start}
        say("seeded", f"{_counts(big_seed['counts'])} in {big_seed['seconds']:.0f} s "
            f"({out['seed']['with_migrate_seconds']:.0f} s with migrations)")
        small_url, small_seed = stack.enter_context(_database(run, "scale_small", SMALL, accounts=400))
        big_server = stack.enter_context(run.twostep_server(big_url, fast_hasher=False, name="scale-1m"))
        small_server = stack.enter_context(run.twostep_server(small_url, fast_hasher=False, name="scale-1k"))
        out["signin"] = _p50s(run, small_server, AccountPool(small_seed["accounts"]), big_server,
                              AccountPool(big_seed["accounts"]), rounds, per_round)
        out["switch_http"] = _switch_over_http(big_server, Account(*big_seed["admin"]))
        say("Require MFA on, over HTTP", f"POST {num(out['switch_http']['post_on_ms'])} ms for "
            f"{big['big_org_members']:,} members; settings page {num(out['switch_http']['page_ms'])} ms")
        env = run.django_env(big_url)
        out["explain"] = run.task(env, "explain", "--user-id", str(_plain_user(big["users"])))
        _print_explain(out["explain"])
        out["switch_queries"] = run.task(env, "switch-queries")
        _print_switch(out["switch_queries"])
    return out


def _counts(counts: dict) -> str:
    names = {"accounts_user": "users", "organizations_organization": "organizations",
             "organizations_membership": "memberships", "mfa_authenticator": "authenticators",
             "mfa_organizationmfapolicy": "policies"}
    return ", ".join(f"{counts[table]:,} {name}" for table, name in names.items())


def _plain_user(users: int) -> int:
    """A user in the middle of the table without an authenticator, so the policy decides."""
    user_id = users // 2
    return user_id + 1 if user_id % 3 == 0 else user_id


def _p50s(run, small_server, small_pool, big_server, big_pool, rounds: int, per_round: int) -> dict:
    records: dict[str, list] = {"1k": [], "1m": []}
    failures = {"1k": 0, "1m": 0}
    for server, pool in ((small_server, small_pool), (big_server, big_pool)):
        warm_up(run, server, pool, "twostep", count=4)
    for _ in range(rounds):
        for label, server, pool in (("1k", small_server, small_pool), ("1m", big_server, big_pool)):
            result = run.drive(server, "twostep", pool.take(per_round * 2), concurrency=1, count=per_round)
            pool.used(result)
            records[label] += result["records"]
            failures[label] += failures_of(result)["count"]
    out = {label: {"signins": len(rows), "failures": failures[label], "latency_ms": stats.latencies(rows)}
           for label, rows in records.items()}
    small, big = out["1k"]["latency_ms"], out["1m"]["latency_ms"]
    out["flow_p50_ratio"] = big["flow"]["p50"] / small["flow"]["p50"]
    out["code_p50_ratio"] = big["code"]["p50"] / small["code"]["p50"]
    say("sign-in p50, 1k users", f"{small['flow']['p50']} ms (password {small['password']['p50']} ms, "
        f"code {small['code']['p50']} ms)")
    say("sign-in p50, 1M users", f"{big['flow']['p50']} ms (password {big['password']['p50']} ms, "
        f"code {big['code']['p50']} ms); ratio {out['flow_p50_ratio']:.2f}")
    return out


def _switch_over_http(server, admin: Account) -> dict:
    """Sign in as the big organization's admin (password and code), then turn Require MFA on and off."""
    browser = Browser(server.base)
    _, token = begin(browser, TWOSTEP, admin)
    _, step = post_code(browser, TWOSTEP, admin, token)
    check_home(browser, TWOSTEP, admin)
    url = "/orgs/big/settings/mfa/"
    page = browser.get(url)
    if page.status == 302 and page.location.startswith("/stepup/"):
        page = _step_up(browser, admin, url, after_step=step)
    if page.status != 200 or not page.csrf_token():
        raise RuntimeError(f"the organization's MFA settings answered HTTP {page.status} to {page.location}")
    on = browser.post(url, {"csrfmiddlewaretoken": page.csrf_token(), "require_mfa": "on"})
    after = browser.get(url)
    off = browser.post(url, {"csrfmiddlewaretoken": page.csrf_token()})
    expected = (302, url)
    return {"post_on_ms": stats.ms(on.seconds), "post_on": [on.status, on.location], "page_ms": stats.ms(after.seconds),
            "page_after": after.status, "shows_on": b'checked' in after.body, "post_off_ms": stats.ms(off.seconds),
            "ok": (on.status, on.location) == expected and (off.status, off.location) == expected}


def _step_up(browser: Browser, admin: Account, url: str, *, after_step: int):
    """Pass a step-up (password and a code of a later time step) when the settings page asks for one."""
    while time_step(int(time.time())) <= after_step:
        time.sleep(0.5)
    page = browser.get(f"/stepup/?next={url}")
    fields = {"csrfmiddlewaretoken": page.csrf_token() or "", "password": admin.password,
              "code": admin.code(int(time.time())), "next": url}
    browser.post("/stepup/", fields)
    return browser.get(url)


def _print_explain(explain: dict) -> None:
    print("  policy query (twostep.mfa.policy.requirement_for) at scale:\n    " + explain["sql"], flush=True)
    print("    " + explain["plan"].replace("\n", "\n    "), flush=True)
    verdict = "no sequential scan of a big table" if not explain["seq_scans_on_tables"] else (
        f"SEQUENTIAL SCANS: {explain['seq_scans_on_tables']}")
    say("policy query plan", f"{len(explain['scans'])} scans, {verdict}")


def _print_switch(switch: dict) -> None:
    for slug, figures in switch.items():
        on = figures["on"]
        say(f"Require MFA on, '{slug}' in-process", f"{figures['members']:,} members: {on['queries']} queries, "
            f"{on['seconds'] * 1000:.0f} ms, HTTP {on['status']}")
