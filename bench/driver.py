"""The load driver: runs in its own process (``python -m bench.driver CONFIG OUT``) so its CPU is
not the server's, with one thread per concurrent visitor.

Modes (``config["mode"]``):
- ``flows``: complete sign-ins, ``count`` of them or for ``duration`` seconds (throughput counts
  completions after a ``ramp``), each account used at most once per time step;
- ``codes``: first ``count`` sign-ins up to the code step, then all their code requests at once
  (timed on their own; with ``cpu_pids``, ``{"workers": [...], "db": [...]}``, the CPU seconds those
  processes used meanwhile, read from /proc right before and after), then every home page checked.
Every sign-in is checked to end signed in; failures are counted and described, never dropped.
"""

import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench import procstat
from bench.browser import Browser
from bench.flows import FLOWS, Account, FlowError, begin, check_home, post_code, sign_in
from twostep.otp import time_step


class Scheduler:
    """Hands out accounts round-robin; one is never in flight twice nor reused in the time step it
    last sent a code in (the server would rightly refuse the replay)."""

    def __init__(self, accounts: list[Account]):
        self.accounts = accounts
        self.next = 0
        self.last_step: dict[str, int] = {}
        self.busy: set[str] = set()
        self.lock = threading.Lock()

    def take(self) -> Account:
        while True:
            with self.lock:
                current = time_step(int(time.time()))
                for _ in range(len(self.accounts)):
                    account = self.accounts[self.next]
                    self.next = (self.next + 1) % len(self.accounts)
                    if account.email not in self.busy and self.last_step.get(account.email, -1) < current:
                        self.busy.add(account.email)
                        return account
            time.sleep(0.05)  # every account used this time step: wait for the next one

    def done(self, account: Account, step: int | None) -> None:
        with self.lock:
            self.busy.discard(account.email)
            self.last_step[account.email] = step if step is not None else time_step(int(time.time()))


def run_flows(config: dict, flow, accounts: list[Account]) -> dict:
    scheduler = Scheduler(accounts)
    t0 = time.perf_counter()
    deadline = t0 + config["duration"] if config.get("duration") else None
    remaining = [config.get("count") or 0]
    records, failures, lock = [], [], threading.Lock()

    def more() -> bool:
        if deadline is not None:
            return time.perf_counter() < deadline
        with lock:
            remaining[0] -= 1
            return remaining[0] >= 0

    def visitor() -> None:
        while more():
            account = scheduler.take()
            start, step = time.perf_counter(), None
            try:
                times, step = sign_in(config["base"], flow, account, tls_proxy=config.get("tls_proxy", True))
            except (FlowError, OSError) as exc:
                with lock:
                    failures.append({"email": account.email, "error": str(exc)})
            else:
                end = time.perf_counter()
                with lock:
                    records.append({"start": start - t0, "end": end - t0, **times})
            finally:
                scheduler.done(account, step)

    _run_threads(visitor, config["concurrency"])
    return {"elapsed": time.perf_counter() - t0, "records": records, "failures": failures,
            "last_steps": scheduler.last_step}


def run_codes(config: dict, flow, accounts: list[Account]) -> dict:
    """Prepare ``count`` pending sign-ins, then time only their code requests."""
    accounts = accounts[: config["count"]]
    failures, lock = [], threading.Lock()
    prepared: list[tuple[Browser, Account, str]] = []

    def prepare(account: Account) -> None:
        browser = Browser(config["base"], tls_proxy=config.get("tls_proxy", True))
        try:
            _, token = begin(browser, flow, account)
        except (FlowError, OSError) as exc:
            with lock:
                failures.append({"email": account.email, "error": str(exc)})
            return
        with lock:
            prepared.append((browser, account, token))

    with ThreadPoolExecutor(config["concurrency"]) as pool:
        list(pool.map(prepare, accounts))
    pids = config.get("cpu_pids") or {}
    cpu_before = _cpu_of(pids)
    t0 = time.perf_counter()
    results = _map_timed(config, flow, prepared, failures, lock)
    elapsed = time.perf_counter() - t0
    code_cpu = {group: used - cpu_before[group] for group, used in _cpu_of(pids).items()}
    signed_in = []
    for browser, account, _ in prepared:
        if account.email in results:
            try:
                check_home(browser, flow, account)
                signed_in.append(results[account.email][0])
            except (FlowError, OSError) as exc:
                failures.append({"email": account.email, "error": str(exc)})
    return {"elapsed": elapsed, "requests": len(results), "code_seconds": signed_in, "failures": failures,
            "code_cpu": code_cpu, "last_steps": {email: step for email, (_, step) in results.items()}}


def _cpu_of(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds so far of each group of processes (``{"workers": [...], "db": [...]}``)."""
    return {group: sum(procstat.cpu_seconds(pid) for pid in members) for group, members in pids.items()}


def _map_timed(config, flow, prepared, failures, lock) -> dict:
    results = {}

    def send(item) -> None:
        browser, account, token = item
        try:
            seconds, step = post_code(browser, flow, account, token)
        except (FlowError, OSError) as exc:
            with lock:
                failures.append({"email": account.email, "error": str(exc)})
            return
        with lock:
            results[account.email] = (seconds, step)

    with ThreadPoolExecutor(config["concurrency"]) as pool:
        list(pool.map(send, prepared))
    return results


def _run_threads(target, count: int) -> None:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run(config: dict) -> dict:
    flow = FLOWS[config["flow"]]
    accounts = [Account(*row) for row in config["accounts"]]
    return (run_codes if config["mode"] == "codes" else run_flows)(config, flow, accounts)


if __name__ == "__main__":
    with open(sys.argv[1]) as handle:
        result = run(json.load(handle))
    with open(sys.argv[2], "w") as handle:
        json.dump(result, handle)
