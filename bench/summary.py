"""The closing table: every figure of the issue's four items, ours against the peer and the target."""

from bench.report import num, spread_text


def _yes(condition) -> str:
    return "n/a" if condition is None else ("yes" if condition else "NO")


def rows(results: dict) -> list[tuple[str, str, str, str, str]]:
    """(figure, twostep, peer or reference, target, met)."""
    out: list[tuple[str, str, str, str, str]] = []
    signin = results.get("signin", {})
    if "signin" in signin:
        out += _signin_rows(signin["signin"])
    if "overhead" in signin:
        out += _overhead_rows(signin["overhead"])
    if "scale" in results:
        out += _scale_rows(results["scale"])
    if "otp" in results:
        for name, figures in results["otp"]["comparisons"].items():
            out.append((f"4 OTP verifications per CPU s, {name}", num(figures["twostep"], 0),
                        f"pyotp {num(figures['pyotp'], 0)}", "ratio >= 1",
                        f"{_yes(figures['ratio']['median'] >= 1)} ({spread_text(figures['ratio'], 2)})"))
    if "steps" in results:
        lost = {setting: figures["first_code_refused"]
                for setting, figures in results["steps"]["automatic"]["0-10 s evenly"].items()}
        out.append(("5 first codes refused, phones on time: c-and-p / current",
                    f"{lost['current-and-previous']:.2f} % / {lost['current']:.1f} %",
                    f"before: {lost['before: +-1 step']:.2f} %", "", ""))
    if "recovery" in results:
        wrong = next(v for k, v in results["recovery"].items() if k.startswith("wrong code"))
        out.append(("6 CPU to check a wrong recovery code (10 hashes)", f"{wrong['cpu_ms']:.0f} ms", "", "", ""))
    return out


def _signin_rows(s: dict) -> list:
    out = [("1 Argon2 floor, verifications/s (2 proc)", num(s["floor"], 2), "", "", "")]
    for key, figures in s.get("twostep", {}).items():
        peer = s.get("peer", {}).get(key)
        c, spread, pspread = key[1:], figures["spread"], peer["spread"] if peer else None
        share = spread["hash_share"]
        out.append((f"1 hash share of sign-in CPU, c={c}", spread_text(share, 3),
                    spread_text(pspread["hash_share"], 3) if peer else "", ">= 0.95",
                    _yes(share["median"] >= 0.95 if share else None)))
        out.append((f"1   hash ms CPU in the workers / all else ms, c={c}",
                    f"{spread_text(spread['hash_ms_each'], 0)} / {spread_text(spread['other_cpu_ms'])}",
                    f"{spread_text(pspread['hash_ms_each'], 0)} / {spread_text(pspread['other_cpu_ms'])}" if peer
                    else "", "", ""))
        out.append((f"1   all else, twostep / peer round by round, c={c}",
                    spread_text(s.get("paired", {}).get(key, {}).get("other_cpu_ms"), 2), "", "", ""))
        out.append((f"1   wall: sign-ins/s, c={c}", num(figures["per_second"], 2),
                    num(peer["per_second"], 2) if peer else "", "", ""))
        out.append((f"1   wall: ratio to floor (load {spread_text(spread['load'])}), c={c}",
                    spread_text(spread["ratio_to_floor"], 3), spread_text(pspread["ratio_to_floor"], 3) if peer
                    else "", "", ""))
        lat, plat = figures["latency_ms"], peer["latency_ms"] if peer else None
        for step in ("flow", "page", "password", "code", "home"):
            out.append((f"1   {step} p50 / p99 ms, c={c}", f"{num(lat[step]['p50'], 0)} / {num(lat[step]['p99'], 0)}",
                        f"{num(plat[step]['p50'], 0)} / {num(plat[step]['p99'], 0)}" if plat else "", "", ""))
        out.append((f"1   failed sign-ins, c={c}", str(figures["failures"]["count"]),
                    str(peer["failures"]["count"]) if peer else "", "0", _yes(figures["failures"]["count"] == 0)))
    return out


def _overhead_rows(o: dict) -> list:
    ours, peer = o["twostep"], o.get("peer")
    paired = o.get("paired", {})

    def both(key: str, part: str | None = None, digits: int = 1) -> tuple[str, str]:
        mine, theirs = (f and (f[part] if part else f) for f in (ours, peer))
        return spread_text(mine["spread"][key], digits), spread_text(theirs["spread"][key], digits) if peer else ""

    ratio = paired.get("server_cpu_ms")
    failures = ours["failures"]["count"] + ours["code_only"]["failures"]["count"]
    return [
        ("2 app CPU ms per sign-in (diagnostic hasher)", *both("server_cpu_ms"), "", ""),
        ("2   app CPU, twostep / peer round by round", spread_text(ratio, 2), "", "<= 0.5",
         _yes(ratio["median"] <= 0.5 if ratio else None)),
        ("2   database CPU ms per sign-in", *both("db_cpu_ms"), "", ""),
        ("2   wall: sign-ins/s (c=4)", *both("per_second"), "", ""),
        ("2 code request alone: app CPU ms each", *both("server_cpu_ms", "code_only", 2), "", ""),
        ("2   app CPU, twostep / peer round by round", spread_text(paired.get("code_server_cpu_ms"), 2), "", "", ""),
        ("2   database CPU ms each", *both("db_cpu_ms", "code_only", 2), "", ""),
        ("2   wall: requests/s (4 at a time)", *both("requests_per_second", "code_only", 0), "", ""),
        ("2   wall: p99 ms", *both("p99_ms", "code_only"), "", ""),
        ("2   failed sign-ins", str(failures),
         str(peer["failures"]["count"] + peer["code_only"]["failures"]["count"]) if peer else "", "0",
         _yes(failures == 0)),
    ]


def _scale_rows(s: dict) -> list:
    counts = s["seed"]["counts"]
    signin = s["signin"]
    switch = s["switch_queries"]
    big, other = switch.get("big"), [v for k, v in switch.items() if k != "big"]
    same_queries = bool(other) and big["on"]["queries"] == other[0]["on"]["queries"]
    http = s["switch_http"]
    return [
        ("3 seeded users / orgs / memberships", f"{counts['accounts_user']:,} / "
         f"{counts['organizations_organization']:,} / {counts['organizations_membership']:,}", "",
         "1M / 100k / 3M", ""),
        ("3   seeding seconds (COPY)", num(s["seed"]["seconds"], 0), "", "minutes", _yes(s["seed"]["seconds"] < 600)),
        ("3 sign-in p50 ms, 1k users", num(signin["1k"]["latency_ms"]["flow"]["p50"], 0), "", "", ""),
        ("3 sign-in p50 ms, scale", num(signin["1m"]["latency_ms"]["flow"]["p50"], 0), "", "", ""),
        ("3   p50 ratio scale / 1k (whole flow)", num(signin["flow_p50_ratio"], 2), "", "<= 1.2",
         _yes(signin["flow_p50_ratio"] <= 1.2)),
        ("3   p50 ratio scale / 1k (code step)", num(signin["code_p50_ratio"], 2), "", "", ""),
        ("3 policy query: index scans only", _yes(not s["explain"]["seq_scans_on_tables"]), "", "yes",
         _yes(not s["explain"]["seq_scans_on_tables"])),
        (f"3 Require MFA on, {big['members']:,} members, HTTP ms", num(http["post_on_ms"], 0), "", "< 1000",
         _yes(http["ok"] and http["post_on_ms"] < 1000)),
        ("3   queries: big org / small org", f"{big['on']['queries']} / {other[0]['on']['queries'] if other else '?'}",
         "", "equal", _yes(same_queries)),
    ]


def print_table(results: dict) -> None:
    table = rows(results)
    if not table:
        return
    headers = ("figure", "twostep", "peer", "target", "met")
    widths = [max(len(str(r[i])) for r in [headers, *table]) for i in range(5)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print("\nSummary" + (" (peer: django-allauth MFA app)" if results.get("signin", {}).get("peer_versions") else ""))
    print(line.format(*headers))
    print(line.format(*("-" * w for w in widths)))
    for row in table:
        print(line.format(*row))
