"""`python -m bench`: every benchmark, then one table of figure, baseline and ratio or target.

    python -m bench                 # the full run (about 3 minutes)
    python -m bench --quick         # tiny sizes, 2 s loads: proves each benchmark runs (CI)
    python -m bench --only http,search --profile

A benchmark that cannot run (a page answering 500, wrk missing under CI) makes the exit
status 1; a missed target never does: targets are read, not asserted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import Note, Options, Row, format_value  # noqa: E402

# In the order they run: the cheap ones first, the long HTTP loads last.
BENCHMARKS = ["write", "words", "sql", "pages", "search", "resources", "chat", "http"]


def parse_options(argv: list[str] | None = None) -> tuple[Options, list[str]]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and short loads, for CI")
    parser.add_argument("--only", default="", help=f"comma-separated, from: {', '.join(BENCHMARKS)}")
    parser.add_argument("--duration", type=float, help="seconds of load per HTTP measurement (10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--wrk-threads", type=int, default=4, help="wrk's threads (4)")
    parser.add_argument("--gunicorn-threads", type=int, default=16, help="GUNICORN_THREADS (16)")
    parser.add_argument(
        "--http-database",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="the database gunicorn serves from (postgresql: TEST_DATABASE_URL)",
    )
    parser.add_argument("--search-posts", type=int, help="posts in the search benchmark (100,000)")
    parser.add_argument(
        "--profile", action="store_true", help="print cProfile's top functions for the thread page"
    )
    parser.add_argument("--verbose", action="store_true", help="more detail under the table")
    args = parser.parse_args(argv)
    options = Options(
        quick=args.quick,
        connections=args.connections,
        wrk_threads=args.wrk_threads,
        gunicorn_threads=args.gunicorn_threads,
        http_database=args.http_database,
        profile=args.profile,
        verbose=args.verbose,
    )
    if args.quick:
        options.duration, options.warmup = 2.0, 0.0  # one request each stands for the warm-up
        options.search_posts, options.write_posts = 1_000, 100
    if args.duration:
        options.duration = args.duration
    if args.search_posts:
        options.search_posts = args.search_posts
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or BENCHMARKS
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    return options, [name for name in BENCHMARKS if name in chosen]


def print_table(rows: list[Row]) -> None:
    width = max([len(row.name) for row in rows] + [20])
    print(f"\n{'benchmark':<{width}}  {'figure':>13}  {'baseline':>13}  {'ratio':>7}  {'target':<14}")
    print("-" * (width + 58))
    for row in rows:
        if row.error:
            print(f"{row.name:<{width}}  {'-':>13}  {'-':>13}  {'-':>7}  not run: {row.error}")
            continue
        ratio = f"{row.ratio:.3f}" if row.ratio is not None else "-"
        target = ""
        if row.target is not None:
            met = row.target.met(row)
            target = f"{row.target.describe(row.unit)}  {'met' if met else 'MISSED' if met is False else ''}"
        figure = format_value(row.figure, row.unit)
        baseline = format_value(row.baseline, row.unit)
        print(f"{row.name:<{width}}  {figure:>13}  {baseline:>13}  {ratio:>7}  {target}")


def main(argv: list[str] | None = None) -> int:
    options, chosen = parse_options(argv)
    rows: list[Row] = []
    notes: list[Note] = []
    failed = False
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    if load_before > 1.0:
        print(
            f"note: load average {load_before:.1f} before the run; other work on this machine "
            "lowers the figures (the HTTP ones most)",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory(prefix="common-ground-bench-") as workdir:
        options.workdir = workdir
        for name in chosen:
            module = importlib.import_module(f"bench.bench_{name}")
            began = time.monotonic()
            print(f"running {name}…", file=sys.stderr, flush=True)
            try:
                for item in module.run(options):
                    (notes if isinstance(item, Note) else rows).append(item)
            except Exception as error:  # one broken benchmark must not hide the others' figures
                failed = True
                rows.append(Row(f"{name}: failed", None, "", error=f"{type(error).__name__}: {error}"))
                traceback.print_exc()
            print(f"  {name}: {time.monotonic() - began:.1f} s", file=sys.stderr, flush=True)
        cleanup = importlib.import_module("bench.data")
        cleanup.drop_postgres_schemas()
    print_table(rows)
    for note in notes:
        print(f"\n{note.heading}")
        for line in note.lines:
            print(f"  {line}")
    mode = "quick" if options.quick else "full"
    print(
        f"\n{mode} run: {time.monotonic() - started:.0f} s on {os.cpu_count()} CPUs; "
        f"load average {load_before:.1f} before it started"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
