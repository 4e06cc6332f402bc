"""The closing table: every figure of the issue's four items, ours against the peer and the target."""

from bench.report import num


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
        otp = results["otp"]
        out.append(("4 OTP verifications/s (vs pyotp)", num(otp["per_second"]["twostep verify(key bytes)"], 0),
                    num(otp["per_second"]["pyotp TOTP(secret).verify"], 0), "ratio >= 1",
                    f"{_yes(otp['ratio'] >= 1)} ({otp['ratio']:.2f})"))
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
        c = key[1:]
        ratio = figures["ratio_to_floor"]
        out.append((f"1 sign-ins/s at concurrency {c}", num(figures["per_second"], 2),
                    num(peer["per_second"], 2) if peer else "", f">= {0.95 * figures['floor']:.2f}", ""))
        out.append((f"1   ratio to floor, c={c}", num(ratio, 3), num(peer["ratio_to_floor"], 3) if peer else "",
                    ">= 0.95", _yes(ratio >= 0.95) if ratio <= 1.02 else "n/a: > 1, load moved"))
        lat = figures["latency_ms"]
        plat = peer["latency_ms"] if peer else None
        for step in ("flow", "page", "password", "code", "home"):
            out.append((f"1   {step} p50 / p99 ms, c={c}", f"{num(lat[step]['p50'], 0)} / {num(lat[step]['p99'], 0)}",
                        f"{num(plat[step]['p50'], 0)} / {num(plat[step]['p99'], 0)}" if plat else "", "", ""))
        out.append((f"1   ratio by CPU (machine to itself), c={c}", num(figures["cpu_ratio"], 3),
                    num(peer["cpu_ratio"], 3) if peer else "", ">= 0.95", _yes(figures["cpu_ratio"] >= 0.95
                                                                             if figures["cpu_ratio"] else None)))
        for key, name in (("server_cpu_ms_per_signin", "app"), ("db_cpu_ms_per_signin", "database"),
                          ("driver_cpu_ms_per_signin", "driver")):
            out.append((f"1   {name} CPU ms per sign-in (Argon2), c={c}", num(figures[key]),
                        num(peer[key]) if peer else "", "", ""))
        out.append((f"1   failed sign-ins, c={c}", str(figures["failures"]["count"]),
                    str(peer["failures"]["count"]) if peer else "", "0", _yes(figures["failures"]["count"] == 0)))
    return out


def _overhead_rows(o: dict) -> list:
    ours, peer = o["twostep"], o.get("peer")

    def pick(figures, *keys, digits=1):
        if figures is None:
            return ""
        for key in keys:
            figures = figures[key]
        return num(figures, digits)

    cpu = ours["server_cpu_ms_per_signin"]
    peer_cpu = peer["server_cpu_ms_per_signin"] if peer else None
    return [
        ("2 app CPU ms per sign-in (fast hasher)", pick(ours, "server_cpu_ms_per_signin"),
         pick(peer, "server_cpu_ms_per_signin"), "<= 20", _yes(cpu is not None and cpu <= 20)),
        ("2   app CPU, twostep / peer", num(cpu / peer_cpu, 2) if cpu and peer_cpu else "", "", "", ""),
        ("2   database CPU ms per sign-in", pick(ours, "db_cpu_ms_per_signin"), pick(peer, "db_cpu_ms_per_signin"),
         "", ""),
        ("2   sign-ins/s (fast hasher, c=4)", pick(ours, "signins_per_second"), pick(peer, "signins_per_second"),
         "", ""),
        ("2   code request alone, requests/s", pick(ours, "code_only", "requests_per_second", digits=0),
         pick(peer, "code_only", "requests_per_second", digits=0), "", ""),
        ("2   code request alone, p99 ms", pick(ours, "code_only", "p99_ms"), pick(peer, "code_only", "p99_ms"),
         "", ""),
        ("2   failed sign-ins", str(ours["failures"]["count"] + ours["code_only"]["failures"]["count"]),
         str(peer["failures"]["count"] + peer["code_only"]["failures"]["count"]) if peer else "", "0",
         _yes(ours["failures"]["count"] + ours["code_only"]["failures"]["count"] == 0)),
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
