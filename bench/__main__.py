"""``python -m bench [all|signin|overhead|scale|otp ...] [--quick] ...``: run the benchmarks, print the
figures and a summary table, and write them to bench/out/latest.json. See bench/README.md."""

import argparse
import shlex
import sys
import time

from bench import pg, report
from bench.runenv import OUT, REDIS_URL, ROOT, RunEnv
from bench.summary import print_table

PARTS = ("signin", "overhead", "scale", "otp", "steps", "recovery")
LOCAL = {"otp", "steps", "recovery"}  # parts that need neither PostgreSQL nor Redis


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("parts", nargs="*", choices=("all", *PARTS), metavar="PART", default="all",
                        help="all (default), signin (1: throughput against the Argon2 floor), overhead (2: server "
                             "CPU per sign-in besides the hash), scale (3: a million users), otp (4: against pyotp), "
                             "steps (5: sign-ins lost at a TOTP step change), recovery (6: checking a recovery code)")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of a few minutes")
    parser.add_argument("--no-peer", action="store_true", help="skip the django-allauth peer app")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 16], help="signin: visitors at once")
    parser.add_argument("--users", type=int, default=None, help="scale: users to seed (default 1,000,000)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    chosen = [args.parts] if isinstance(args.parts, str) else args.parts  # argparse gives the default as is
    parts = set(PARTS) if "all" in chosen else set(chosen)
    if parts - LOCAL and (reason := pg.available()):
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    results: dict = report.header("python -m bench " + shlex.join(argv))
    results.update(parts=sorted(parts), quick=args.quick, commit=report.git_commit(ROOT))
    run = RunEnv(quick=args.quick)
    if parts - LOCAL and not run.redis:
        print(f"cannot run: Redis at {REDIS_URL} does not answer (the production profile needs it)", file=sys.stderr)
        run.close()
        return 2
    try:
        _run_parts(run, parts, args, results)
    finally:
        run.close()
    results["seconds"] = time.time() - results["started"]
    results["load_at_end"] = report.load()
    print_table(results)
    print(f"\nload average at start {results['load_at_start']}, at end {results['load_at_end']}; "
          f"{results['seconds'] / 60:.1f} minutes; figures in {OUT / 'latest.json'}")
    report.write_json(results, OUT / "latest.json")
    return 0


def _run_parts(run: RunEnv, parts: set[str], args, results: dict) -> None:
    if parts & {"signin", "overhead"}:
        from bench.signin import run_signin

        print("\n[1, 2] sign-in throughput and server CPU per sign-in", flush=True)
        results["signin"] = run_signin(run, parts=parts & {"signin", "overhead"}, concurrencies=args.concurrency,
                                       with_peer=not args.no_peer)
    if "scale" in parts:
        from bench.scale import run_scale

        print("\n[3] scale", flush=True)
        results["scale"] = run_scale(run, users=args.users)
    if "otp" in parts:
        print("\n[4] OTP core", flush=True)
        try:
            from bench import otp_core
        except ImportError as exc:
            print(f"  skipped: {exc} (pip install -e '.[bench]')", flush=True)
        else:
            results["otp"] = otp_core.main()
    if "steps" in parts:
        from bench import totp_step_change

        print("\n[5] sign-ins lost at a TOTP step change (a simulation)", flush=True)
        results["steps"] = totp_step_change.main()
    if "recovery" in parts:
        from bench import recovery_code_cost

        print("\n[6] checking a recovery code stored with Argon2id", flush=True)
        results["recovery"] = recovery_code_cost.main()


if __name__ == "__main__":
    sys.exit(main())
