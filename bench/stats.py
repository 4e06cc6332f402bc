"""Percentiles and the summaries of a driver run (times in milliseconds)."""

import math
import statistics

from bench.flows import STEPS


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def latencies(records: list[dict]) -> dict:
    """p50/p99 (ms) of the whole flow and of each step."""
    result = {"flow": _p(records, lambda r: r["end"] - r["start"])}
    for step in STEPS:
        result[step] = _p(records, lambda r, step=step: r[step])
    return result


def _p(records, key) -> dict:
    values = [key(r) for r in records]
    return {"p50": ms(percentile(values, 50)), "p99": ms(percentile(values, 99))}


def window_rate(records: list[dict], start: float, end: float) -> tuple[float, int]:
    """Completed sign-ins per second among those ending in [start, end) (seconds of the run)."""
    done = [r for r in records if start <= r["end"] < end]
    return (len(done) / (end - start) if end > start else 0.0), len(done)


def spread(values: list[float | None]) -> dict | None:
    """{"min", "median", "max", "rounds"} of the rounds' values (None values left out); None when there are none."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return None
    return {"min": known[0], "median": statistics.median(known), "max": known[-1], "rounds": len(known)}


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator
