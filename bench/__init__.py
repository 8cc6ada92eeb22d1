"""Benchmarks of Common Ground as a member meets it: `python -m bench` (see bench/README.md).

Each benchmark module (bench/bench_*.py) has `run(options)`, which yields Rows: a figure, the
baseline it is measured beside (in the same run), and the target from issue #20, if any. A
benchmark may also yield Notes: detail printed under the table (per-query times, a profile).
Nothing here asserts a time: `--quick` only proves every benchmark still runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Options:
    quick: bool = False
    duration: float = 10.0  # seconds of load per HTTP measurement
    warmup: float = 2.0  # seconds of load before each, not counted
    connections: int = 16
    wrk_threads: int = 4
    gunicorn_threads: int = 16  # GUNICORN_THREADS for the 1- and 2-worker servers
    http_database: str = "sqlite"  # or "postgresql" (TEST_DATABASE_URL)
    search_posts: int = 100_000
    write_posts: int = 1_000
    profile: bool = False
    verbose: bool = False
    workdir: str = ""  # a temporary folder for databases and logs, made by __main__


@dataclass
class Target:
    """What the issue asks of a figure: `on` is "ratio" or "figure"; `at_least` or `at_most`."""

    value: float
    at_least: bool = True
    on: str = "ratio"

    def met(self, row: Row) -> bool | None:
        measured = row.ratio if self.on == "ratio" else row.figure
        if measured is None:
            return None
        return measured >= self.value if self.at_least else measured <= self.value

    def describe(self, unit: str) -> str:
        sign = "≥" if self.at_least else "≤"
        return f"{sign} {_number(self.value)}" + ("" if self.on == "ratio" else f" {unit}")


@dataclass
class Row:
    name: str
    figure: float | None
    unit: str
    baseline: float | None = None
    target: Target | None = None
    error: str = ""  # the benchmark could not measure this figure, and why
    ratio_shown: bool = True  # False: the baseline is context (a latency), not a ratio to read

    @property
    def ratio(self) -> float | None:
        if self.figure is None or not self.baseline or not self.ratio_shown:
            return None
        return self.figure / self.baseline


@dataclass
class Note:
    """Detail for under the table, headed by the benchmark it belongs to."""

    heading: str
    lines: list[str] = field(default_factory=list)


class BenchmarkFailed(RuntimeError):
    """A page did not answer as it should: the figures would mean nothing."""


def _number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e6:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{_number(value)} {unit}".rstrip()


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.5 = median) of a non-empty list."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def per_call_ms(function: Callable[[], object], rounds: int, warmup: int = 5) -> float:
    """Mean milliseconds per call of `function`, after `warmup` calls."""
    for _ in range(warmup):
        function()
    start = time.perf_counter()
    for _ in range(rounds):
        function()
    return (time.perf_counter() - start) / rounds * 1000


def timings_ms(function: Callable[[], object], rounds: int) -> list[float]:
    """Milliseconds of each of `rounds` calls."""
    found = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        found.append((time.perf_counter() - start) * 1000)
    return found


def mean(values: list[float]) -> float:
    return statistics.fmean(values)
