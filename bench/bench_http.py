"""Pages as a member meets them: over HTTP, from gunicorn with the production settings.

gunicorn runs `-c gunicorn.conf.py` (gthread) with GUNICORN_WORKERS=1 and GUNICORN_THREADS=16,
SECRET_KEY and BASE_URL set and no debug or testing settings, serving bench/serve.py: the real
app, plus /bench/bare/<size> (a bare Flask app in the same worker: the stack's ceiling) and
/bench/floor/<size> (the same constant page from inside the real app: what the app costs on
every request). A member signs in through the real form; wrk (Debian's package) then loads
each page with that member's cookie, 16 connections, and the bare page of the same byte size
the same way: a warm-up each, then alternating 2 s slices until each has had 10 s. Figures:
requests/s, p50 and p99, and the page's requests/s as a share of the bare page's. The thread
page is measured again under 2 workers.
"""

from __future__ import annotations

import http.client
import os
import re
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench import BenchmarkFailed, Note, Options, Row, Target
from bench.data import SECRET_KEY, Site, shared_site
from bench.processes import GunicornServer
from tests.helpers import cookie_header, cookies_from, csrf_token_in

THREADS = 16
PAGES = [  # page, what the issue asks of its share of the bare page
    ("thread", 0.15),
    ("group", 0.2),
    ("search", 0.2),
]
P99_TARGET_MS = 150.0
SLICE_SECONDS = 2.0


@dataclass
class Load:
    """One wrk run."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int  # non-2xx/3xx answers and socket errors
    others_cpu: float | None = None  # share of the machine's CPU other processes used meanwhile
    server_cpu_ms: float | None = None  # gunicorn's CPU milliseconds per request


def _ticks(pid: int | str) -> tuple[int, int]:
    """(parent pid, user + system clock ticks) of a process, from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _tree_ticks(root: int) -> int:
    """CPU ticks used so far by `root` and every process under it (gunicorn and its workers)."""
    parents, used = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)], used[int(entry)] = _ticks(entry)
            except OSError:
                continue
    tree, total, grew = {root}, 0, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    for pid in tree:
        total += used.get(pid, 0)
    return total


def _busy_ticks() -> int:
    with open("/proc/stat") as stat:
        values = [int(n) for n in stat.readline().split()[1:]]
    return sum(values[:8]) - values[3] - values[4]  # all but idle and iowait (guest is in user)


class Usage:
    """Where the machine's CPU went during a measurement (Linux, from /proc): gunicorn's
    processes, and other processes (the machine's busy time less gunicorn's, wrk's and this
    process's). Both are seconds of CPU; `known` is False without /proc."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self.elapsed = self.server = self.others = 0.0
        self.known = True

    @staticmethod
    def _ours() -> float:
        me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime

    def _sample(self) -> tuple[float, float, float, float]:
        hertz = os.sysconf("SC_CLK_TCK")
        return time.monotonic(), _busy_ticks() / hertz, _tree_ticks(self.server_pid) / hertz, self._ours()

    def measure(self, function):
        """Run `function`, adding its time and CPU to the totals; return what it returns."""
        try:
            before = self._sample()
        except OSError:
            self.known, before = False, None
        result = function()
        if before is not None:
            after = self._sample()
            elapsed, busy, server, ours = (a - b for a, b in zip(after, before, strict=True))
            self.elapsed += elapsed
            self.server += server
            self.others += max(0.0, busy - server - ours)
        return result

    @property
    def others_share(self) -> float | None:
        """Other processes' share of the machine's CPU."""
        if not self.known or not self.elapsed:
            return None
        return self.others / (self.elapsed * (os.cpu_count() or 1))


class Server(GunicornServer):
    """gunicorn -c gunicorn.conf.py bench.serve:app in its own process group."""

    def __init__(self, database_url: str, workdir: str, workers: int, threads: int = THREADS):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("FLASK_", "SOCKETIO_", "GUNICORN_", "PROXY_", "TRUSTED_", "DATABASE_"))
        }
        env.update(
            SECRET_KEY=SECRET_KEY,
            DATABASE_URL=database_url,
            MAIL_OUTBOX=str(Path(workdir) / "outbox"),
            HOST="127.0.0.1",
            GUNICORN_WORKERS=str(workers),
            GUNICORN_THREADS=str(threads),
        )
        super().__init__(f"gunicorn-{workers}w", "gunicorn.conf.py", "bench.serve:app", env, workdir)

    def __enter__(self) -> Server:
        self.start().wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def at(self, path: str) -> str:
        return self.url + path

    def request(self, method: str, path: str, body=None, headers=None, timeout: float = 30.0):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def get(self, path: str, cookie: str = "", timeout: float = 30.0):
        return self.request("GET", path, headers={"Cookie": cookie} if cookie else {}, timeout=timeout)

    def sign_in(self, site: Site) -> str:
        """The Cookie header of a member signed in through the real form."""
        status, headers, html = self.get("/auth/login")
        jar = cookies_from(headers)
        form = {"csrf_token": csrf_token_in(html.decode()), "login": site.reader, "password": site.password}
        status, headers, _ = self.request(
            "POST",
            "/auth/login",
            body=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)},
        )
        if status != 302:
            raise BenchmarkFailed(f"{site.reader} could not sign in over HTTP ({status})")
        jar = cookies_from(headers, jar)
        # A browser keeps what the first page sets (the session's form token): without it,
        # every page under load would make a token and sign a new cookie, as no member's does.
        _, headers, _ = self.get("/", cookie_header(jar))
        return cookie_header(cookies_from(headers, jar))


# wrk's own report rounds and mixes units; this script prints the counts and 1,000 quantiles of
# the latency (microseconds), so slices of a measurement can be pooled exactly enough.
REPORTER = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout))
  for i = 1, QUANTILES do
    io.write(string.format("Q %d\\n", latency:percentile((i - 0.5) * 100 / QUANTILES)))
  end
end
"""
QUANTILES = 1000


@dataclass
class Slice:
    """One wrk run: its requests, seconds, failed requests and latency quantiles (ms)."""

    requests: int
    seconds: float
    failures: int
    quantiles: list[float]


def parse_report(output: str) -> Slice:
    summary = re.search(r"^BENCH (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.MULTILINE)
    if summary is None:
        raise BenchmarkFailed(f"wrk gave no report:\n{output}")
    numbers = [int(n) for n in summary.groups()]
    quantiles = [int(q) / 1000 for q in re.findall(r"^Q (\d+)$", output, re.MULTILINE)]
    return Slice(numbers[0], numbers[1] / 1e6, sum(numbers[2:]), quantiles)


def pool(slices: list[Slice]) -> Load:
    """The slices of one page as one measurement: requests over the summed time, and the
    latency percentiles of every slice's quantiles, each weighted by its slice's requests."""
    requests = sum(piece.requests for piece in slices)
    points = sorted(
        (value, piece.requests / len(piece.quantiles))
        for piece in slices
        if piece.quantiles
        for value in piece.quantiles
    )
    total = sum(weight for _, weight in points)

    def at(share: float) -> float:
        passed = 0.0
        for value, weight in points:
            passed += weight
            if passed >= share * total:
                return value
        return points[-1][0] if points else 0.0

    return Load(
        requests_per_second=requests / sum(piece.seconds for piece in slices),
        p50_ms=at(0.5),
        p99_ms=at(0.99),
        requests=requests,
        failures=sum(piece.failures for piece in slices),
    )


def wrk(options: Options, url: str, cookie: str, seconds: float) -> Slice:
    script = Path(options.workdir) / "wrk-report.lua"
    if not script.exists():
        script.write_text(REPORTER.replace("QUANTILES", str(QUANTILES)))
    command = [
        "wrk",
        f"-t{min(options.wrk_threads, options.connections)}",
        f"-c{options.connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        "-H",
        f"Cookie: {cookie}",
        url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise BenchmarkFailed(f"wrk failed: {result.stderr or result.stdout}")
    return parse_report(result.stdout)


def compare(options: Options, server: Server, paths: list[str], cookie: str) -> list[Load]:
    """Each path warmed up, then all loaded in turn in slices (2 s each in a full run) until
    each has had its `duration`, so a disturbance on the machine falls on all of them alike.
    Any failed request makes the figures meaningless."""
    for path in paths:
        if options.warmup:
            wrk(options, server.at(path), cookie, options.warmup)
    count = max(1, round(options.duration / SLICE_SECONDS))
    seconds = options.duration / count
    found: dict[str, list[Slice]] = {path: [] for path in paths}
    usage = {path: Usage(server.process.pid) for path in paths}
    for _ in range(count):
        for path in paths:
            found[path].append(
                usage[path].measure(lambda p=path: wrk(options, server.at(p), cookie, seconds))
            )
    loads = []
    for path in paths:
        measured = pool(found[path])
        measured.others_cpu = usage[path].others_share
        if usage[path].known and measured.requests:
            measured.server_cpu_ms = usage[path].server * 1000 / measured.requests
        if measured.failures:
            raise BenchmarkFailed(
                f"{path}: {measured.failures} of {measured.requests} requests failed under load\n"
                + server.log_text()
            )
        loads.append(measured)
    return loads


def page_size(server: Server, path: str, cookie: str) -> int:
    """The page's body in bytes, as the member gets it; it must be a real 200 for the member."""
    status, _, body = server.get(path, cookie)
    if status != 200:
        raise BenchmarkFailed(f"{path} answered {status} for a signed-in member\n{server.log_text()}")
    if b"Sign out" not in body:
        raise BenchmarkFailed(f"{path} did not come back signed in")
    return len(body)


def constant_path(server: Server, kind: str, size: int, cookie: str) -> str:
    """/bench/bare/<size> or /bench/floor/<size> (bench/serve.py), checked for its size."""
    path = f"/bench/{kind}/{size}"
    status, _, body = server.get(path, cookie)
    if status != 200 or len(body) != size:
        raise BenchmarkFailed(f"{path} gave {status} with {len(body)} bytes, not {size}")
    return path


def run(options: Options):
    if shutil.which("wrk") is None:
        message = "wrk is not installed (Debian: apt-get install wrk)"
        if os.environ.get("CI", "").lower() == "true":
            raise BenchmarkFailed(message)
        yield Row("http: every page", None, "", error=message)
        return
    database_url, site = shared_site(options, options.http_database)
    paths = site.pages()
    slices = max(1, round(options.duration / SLICE_SECONDS))
    detail = Note(
        f"HTTP: gunicorn -c gunicorn.conf.py, gthread, {options.gunicorn_threads} threads, "
        f"{options.http_database}; "
        f"wrk -t{min(options.wrk_threads, options.connections)} -c{options.connections}, "
        f"{options.warmup:.0f} s warm-up, then {options.duration:.0f} s a path in {slices} alternating slices"
        + ("" if options.warmup else " (quick: no warm-up)")
    )
    one_worker: dict[str, tuple[Load, Load, int]] = {}
    with Server(database_url, options.workdir, workers=1, threads=options.gunicorn_threads) as server:
        cookie = server.sign_in(site)
        for name, share in PAGES:
            size = page_size(server, paths[name], cookie)
            measured = [paths[name], constant_path(server, "bare", size, cookie)]
            if name == "thread":
                measured.append(constant_path(server, "floor", size, cookie))
            page_load, bare_load, *floor = compare(options, server, measured, cookie)
            one_worker[name] = (page_load, bare_load, size)
            label = f"http: {name} page ({size / 1000:.1f} KB)"
            yield Row(
                f"{label}: req/s vs bare",
                page_load.requests_per_second,
                "req/s",
                bare_load.requests_per_second,
                Target(share),
            )
            yield Row(f"{label}: p50 vs bare", page_load.p50_ms, "ms", bare_load.p50_ms, ratio_shown=False)
            yield Row(
                f"{label}: p99 vs bare",
                page_load.p99_ms,
                "ms",
                bare_load.p99_ms,
                Target(P99_TARGET_MS, at_least=False, on="figure") if name == "thread" else None,
                ratio_shown=False,
            )
            detail.lines.append(
                f"{paths[name]}: {size:,} bytes; page {page_load.requests:,} requests, "
                f"bare {bare_load.requests:,}; {_usage('page', page_load)}; {_usage('bare', bare_load)}"
            )
            if floor:
                yield Row(
                    f"http: app floor ({size / 1000:.1f} KB, in the app) vs bare",
                    floor[0].requests_per_second,
                    "req/s",
                    bare_load.requests_per_second,
                )
                yield Row(
                    f"http: {name} page vs app floor",
                    page_load.requests_per_second,
                    "req/s",
                    floor[0].requests_per_second,
                )
                detail.lines.append(f"/bench/floor/{size}: {_usage('floor', floor[0])}")

    # Part 3: the same thread page with two processes, on this machine's cores.
    page_load, bare_load, size = one_worker["thread"]
    with Server(database_url, options.workdir, workers=2, threads=options.gunicorn_threads) as server:
        cookie = server.sign_in(site)
        two, two_bare = compare(
            options, server, [paths["thread"], constant_path(server, "bare", size, cookie)], cookie
        )
    yield Row(
        "http: thread page, 2 workers vs 1: req/s",
        two.requests_per_second,
        "req/s",
        page_load.requests_per_second,
    )
    yield Row("http: thread page, 2 workers: p99", two.p99_ms, "ms", page_load.p99_ms, ratio_shown=False)
    yield Row(
        "http: bare page, 2 workers vs 1: req/s",
        two_bare.requests_per_second,
        "req/s",
        bare_load.requests_per_second,
    )
    yield Row(
        "http: thread page vs bare, 2 workers", two.requests_per_second, "req/s", two_bare.requests_per_second
    )
    loads = [load for pair in one_worker.values() for load in pair[:2]] + [two, two_bare]
    shares = [load.others_cpu for load in loads if load.others_cpu is not None]
    if shares:
        yield Row("http: CPU other processes took, worst run", max(shares) * 100, "%")
    detail.lines.append(f"2 workers: {_usage('page', two)}; {_usage('bare', two_bare)}")
    detail.lines.append(
        f"this machine has {os.cpu_count()} CPUs; wrk shares them with gunicorn. CPU other processes "
        "took is the machine's busy time less this run's own (bench, wrk, gunicorn): above a few "
        "per cent, the figures are low and the ratios unreliable"
    )
    yield detail


def _usage(label: str, load: Load) -> str:
    if load.others_cpu is None or load.server_cpu_ms is None:
        return f"{label}: CPU use not known (no /proc)"
    return (
        f"{label}: p50 {load.p50_ms:.1f} ms, gunicorn CPU {load.server_cpu_ms:.2f} ms a request, "
        f"others took {load.others_cpu:.0%} of the CPU"
    )
