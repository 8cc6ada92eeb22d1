"""Chat under load (issue #17): our chat processes on gevent beside a bare python-socketio server.

Our side is what production runs: `gunicorn -c deploy/gunicorn-chat.conf.py chat_wsgi:app`
(gevent, one worker a process), the real app with production settings on a database built
by the migrations (PostgreSQL when TEST_DATABASE_URL is set, else a SQLite file), members
signed in. The baseline is a bare python-socketio server (`bare_app`) under the same gunicorn
settings in the same async mode, which stores and checks nothing: it puts each `send` in the
room at once. Both are measured in the same run with the same clients:

- one room, 100 receivers, one sender at 50 messages/s (`--quick`: 20);
- the same through two processes joined by Redis (TEST_REDIS_URL), the receivers alternating
  between them, the sender on the first;
- 1,000 connected quiet members and one message a second (`--quick`: 100).

The clients are python-socketio's own client over WebSocket, in one gevent process a CPU
(bench/chat_clients.py); the sends and arrivals are timed on the machine's monotonic clock,
which all processes share. Figures: deliveries/s, p50 and p99 from send to arrival, lost and
duplicated deliveries, and the servers' CPU (cores, from /proc, while the messages flow).
Under the table: the clients' CPU, how long the joins took and the presence changes they set
off, and the memory each connection added to the server.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench import BenchmarkFailed, Note, Options, Row, Target, percentile
from bench.bench_http import _busy_ticks, _tree_ticks
from bench.data import ROOT, SECRET_KEY, create_schema, database_url, dispose, make_app, postgres_url
from bench.processes import GunicornServer as Server

NAMESPACE = "/chat"
ROOM = "lounge"
# A moderator: members may send 20–40 messages in 30 s (the flood limit), and 50 a second is
# the load being measured, not a member's pace.
SENDER = "bench_sender"
CHAT = ("deploy/gunicorn-chat.conf.py", "chat_wsgi:app")
# Redis's publish/subscribe channels are shared by every database number, so another run on
# the same Redis would hear our messages: the bare server's channel and every client_id carry
# this run's token. (Ours use Flask-SocketIO's one channel; a message of another run's is told
# apart by its client_id.)
RUN = uuid.uuid4().hex[:8]
BARE = ("deploy/gunicorn-chat.conf.py", "bench.bench_chat:bare_app()")


# The bare server ----------------------------------------------------------------------------


def bare_app():
    """A python-socketio server on gevent that only relays: the ceiling for our chat.

    gunicorn calls this in its gevent worker (`bench.bench_chat:bare_app()`), after the worker
    has patched the standard library. With SOCKETIO_MESSAGE_QUEUE it joins the other bare
    processes through Redis, as ours do."""
    import itertools
    from datetime import UTC, datetime
    from html import escape

    import socketio

    queue_url = os.environ.get("SOCKETIO_MESSAGE_QUEUE")
    channel = os.environ.get("BENCH_CHANNEL", "bench-bare")
    manager = socketio.RedisManager(queue_url, channel=channel) if queue_url else None
    server = socketio.Server(async_mode="gevent", client_manager=manager)
    ids = itertools.count(1)

    @server.on("join", namespace=NAMESPACE)
    def join(sid, payload):
        server.enter_room(sid, ROOM, namespace=NAMESPACE)
        return {"ok": True, "messages": [], "online": []}

    @server.on("send", namespace=NAMESPACE)
    def send(sid, payload):
        message = {
            "id": next(ids),
            "room": ROOM,
            "author": {"username": SENDER, "display_name": SENDER},
            "html": f"<p>{escape(payload['body'])}</p>",
            "created_at": datetime.now(UTC).isoformat(),
            "client_id": payload["client_id"],
            "edited_at": None,
            "deleted": False,
        }
        server.emit("message", message, to=ROOM, namespace=NAMESPACE)
        return {"ok": True, "message": message}

    def health(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return socketio.WSGIApp(server, health)


# Servers ------------------------------------------------------------------------------------


class Servers:
    """Several servers, started together and stopped together."""

    def __init__(self, servers: list[Server]):
        self.servers = servers

    def __enter__(self) -> list[Server]:
        try:
            for server in self.servers:
                server.start()
            for server in self.servers:
                server.wait_ready()
        except BaseException:
            self.__exit__()
            raise
        return self.servers

    def __exit__(self, *exc) -> None:
        for server in self.servers:
            if server.process is not None:
                server.stop()


def server_env(database: str, workdir: str, clients: int, queue_url: str | None) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "SOCKETIO_", "GUNICORN_", "PROXY_", "TRUSTED_", "DATABASE_"))
    }
    env.update(
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database,
        TRUSTED_HOSTS="127.0.0.1",
        MAIL_OUTBOX=str(Path(workdir) / "outbox"),
        HOST="127.0.0.1",
        # Every client comes from 127.0.0.1; production counts each member's own address.
        SOCKETIO_MAX_PER_ADDRESS=str(clients + 50),
        GUNICORN_WORKER_CONNECTIONS=str(max(1000, clients + 300)),
        GUNICORN_GRACEFUL_TIMEOUT="1",
        RATELIMIT_STORAGE_URI=queue_url or "memory://",
    )
    if queue_url:
        env.update(SOCKETIO_MESSAGE_QUEUE=queue_url, BENCH_CHANNEL=f"bench-bare-{RUN}")
    return env


# Members ------------------------------------------------------------------------------------


def make_members(database: str, workdir: str, count: int) -> tuple[list[str], str]:
    """`count` members and the sender, signed in: (their session cookies, the sender's).

    Each sign-in is made as the sign-in form makes one (a sign-in row, then Flask-Login's
    session), inside a request context, and the session is sealed as Flask would seal it:
    1,000 sign-ins over HTTP would take longer than the measurement, and sign-in is not what
    is measured here."""
    from flask import session
    from flask_login import login_user

    from community.accounts import sessions
    from community.accounts.services import create_user
    from community.chat.services import ensure_rooms
    from community.extensions import db
    from community.unit_of_work import commit

    app = make_app(database, workdir)
    create_schema(app)
    cookies: list[str] = []
    with app.app_context():
        ensure_rooms()
        people = [create_user(f"listener_{n:04d}", f"l{n}@example.org", "x" * 20) for n in range(count)]
        people.append(create_user(SENDER, "sender@example.org", "x" * 20, role="moderator", trusted=True))
        commit()
        seal = app.session_interface.get_signing_serializer(app)
        name = app.config["SESSION_COOKIE_NAME"]
        for person in people:
            with app.test_request_context("/", headers={"User-Agent": "bench"}):
                sessions.start(person, False)
                login_user(person)
                cookies.append(f"{name}={seal.dumps(dict(session))}")
        commit()
        db.session.remove()
    dispose(app)
    return cookies[:-1], cookies[-1]


# The measurements ---------------------------------------------------------------------------


@dataclass
class Load:
    """Who is connected, and what is sent."""

    receivers: int
    rate: float  # messages a second, from one sender
    seconds: float
    settle_max: float = 60.0  # the longest the joins may take, and again their presence changes


# The clients' processes (bench/chat_clients.py), patched before anything else is imported,
# as chat_wsgi.py does for the servers. One a CPU: see chat_clients.py for why.
_CLIENTS = "from gevent import monkey; monkey.patch_all(); import bench.chat_clients as c; c.main()"
CLIENT_PROCESSES = max(2, os.cpu_count() or 1)


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def _server_ticks(servers: list[Server]) -> int:
    return sum(_tree_ticks(server.process.pid) for server in servers)


def measure(servers: list[Server], members: tuple[list[str], str], load: Load, label: str, workdir: str):
    """One load against `servers`: the receivers spread over them (and over the client
    processes), the sender on the first. Returns the figures as a dict."""
    cookies, sender_cookie = members
    total = max(1, round(load.rate * load.seconds))
    # Two processes on one SQLite file refuse each other's writes when joins (each writes how
    # far the member has read) come together: "database is locked", as SQLite's deferred
    # transactions do across processes. So there the receivers join one by one, from one
    # client process; PostgreSQL takes them all at once.
    one_at_a_time = len(servers) > 1 and servers[0].env["DATABASE_URL"].startswith("sqlite")
    common = {
        "label": label,
        "room": ROOM,
        "urls": [server.url for server in servers],
        "cookies": cookies[: load.receivers],
        "sender_cookie": sender_cookie,
        "rate": load.rate,
        "total": total,
        "drain": 5.0,
        "settle_max": load.settle_max,
        "joins_at_once": 1 if one_at_a_time else 50,
    }
    count = 1 if one_at_a_time else min(CLIENT_PROCESSES, load.receivers)
    workers = [server.worker_pid() for server in servers]
    memory_before = sum(_rss_kb(pid) for pid in workers)
    log_path = Path(workdir) / f"clients-{label}.log"
    processes = []
    with open(log_path, "w") as log:
        try:
            for k in range(count):
                process = subprocess.Popen(
                    [sys.executable, "-c", _CLIENTS],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                    cwd=ROOT,
                )
                processes.append(process)
                mine = list(range(k, load.receivers, count))
                _tell(process, {**common, "mine": mine, "sends": k == 0})
            ready = [_hear(process, 2 * load.settle_max + 120, log_path) for process in processes]
            memory_after = sum(_rss_kb(pid) for pid in workers)
            ticks_before, busy_before = _server_ticks(servers), _busy_ticks()
            start = time.monotonic() + 0.2
            for process in processes:
                _tell(process, {"start": start})
            heard = [_hear(process, load.seconds + 60, log_path) for process in processes]
            ticks, busy = _server_ticks(servers) - ticks_before, _busy_ticks() - busy_before
        finally:
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
    figures = pool(heard, total, load.rate, start)
    if figures["refused"]:
        raise BenchmarkFailed(f"{label}: {figures['refused']} sends refused, e.g. {figures['first_refusal']}")
    elapsed, hertz = figures.pop("elapsed"), os.sysconf("SC_CLK_TCK")
    figures.update(
        server_cores=ticks / hertz / elapsed,
        # The machine's busy time less the servers' and the clients': other work, which
        # lowers every figure (the window runs a little past the last arrival).
        others_cores=max(0.0, (busy - ticks) / hertz / elapsed - figures["client_cores"]),
        join_s=max(item["join_s"] for item in ready),
        settle_s=max(item["settle_s"] for item in ready),
        presence_events=sum(item["presence"] for item in ready),
        failed_joins=sum(item["failed_joins"] for item in ready),
        first_failure=next((item["first_failure"] for item in ready if item["first_failure"]), None),
        kb_per_connection=(memory_after - memory_before) / load.receivers,
    )
    return figures


def _tell(process: subprocess.Popen, item: dict) -> None:
    process.stdin.write(json.dumps(item) + "\n")
    process.stdin.flush()


def _hear(process: subprocess.Popen, seconds: float, log_path: Path) -> dict:
    readable, _, _ = select.select([process.stdout], [], [], seconds)
    line = process.stdout.readline() if readable else ""
    if not line:
        process.kill()
        log = log_path.read_text(errors="replace").strip()
        print(log[-4000:], file=sys.stderr)
        last = log.splitlines()[-1] if log else "no output"
        raise BenchmarkFailed(f"a client process stopped ({last[:120]}); see its log above")
    return json.loads(line)


def pool(heard: list[dict], total: int, rate: float, start: float) -> dict:
    """Every process's arrivals against the sender's send times."""
    sent = next(item["sent"] for item in heard if item["sent"])
    refused = [ack for item in heard for ack in item["refused"]]
    latencies, lost, duplicated, finished = [], 0, 0, start
    for item in heard:
        for arrivals in item["arrivals"]:
            numbers = [n for n, _ in arrivals]
            lost += total - len(set(numbers))
            duplicated += len(numbers) - len(set(numbers))
            latencies += [(t - sent[n]) * 1000 for n, t in arrivals]
            finished = max([finished] + [t for _, t in arrivals])
    # From the first send to the last arrival, and never less than the sending took.
    elapsed = max(finished - start, total / rate)
    return {
        "deliveries_per_s": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5) if latencies else None,
        "p99_ms": percentile(latencies, 0.99) if latencies else None,
        "max_ms": max(latencies, default=None),
        "lost": lost,
        "duplicated": duplicated,
        "dropped": sum(item["dropped"] for item in heard),  # receivers the server disconnected
        "refused": len(refused),
        "first_refusal": refused[0] if refused else None,
        "client_cores": sum(item["cpu"] for item in heard) / elapsed,
        "elapsed": elapsed,
    }


def rows(name: str, ours: dict | str, bare: dict | str, p99_target: float):
    failed = [item for item in (ours, bare) if isinstance(item, str)]
    if failed:
        yield Row(name, None, "", error=failed[0])
        return
    yield Row(
        f"{name}: deliveries/s vs bare", ours["deliveries_per_s"], "/s", bare["deliveries_per_s"], Target(0.5)
    )
    yield Row(f"{name}: p50 vs bare", ours["p50_ms"], "ms", bare["p50_ms"], ratio_shown=False)
    yield Row(
        f"{name}: p99 vs bare",
        ours["p99_ms"],
        "ms",
        bare["p99_ms"],
        Target(p99_target, at_least=False, on="figure"),
        ratio_shown=False,
    )
    yield Row(
        f"{name}: lost + duplicated",
        ours["lost"] + ours["duplicated"],
        "",
        bare["lost"] + bare["duplicated"],
        Target(0, at_least=False, on="figure"),
        ratio_shown=False,
    )
    yield Row(f"{name}: server CPU vs bare", ours["server_cores"], "cores", bare["server_cores"])


def _ms(value) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def describe(name: str, ours: dict | str, bare: dict | str) -> list[str]:
    if isinstance(ours, str) or isinstance(bare, str):
        return []
    return [
        f"{name}, {label}: {f['deliveries_per_s']:,.0f} deliveries/s, p50 {_ms(f['p50_ms'])}, "
        f"p99 {_ms(f['p99_ms'])}, max {_ms(f['max_ms'])}; lost {f['lost']}, duplicated "
        f"{f['duplicated']}, receivers that could not join {f['failed_joins']} and dropped later "
        f"{f['dropped']}; server {f['server_cores']:.2f} cores, "
        f"clients {f['client_cores']:.2f}, other processes {f['others_cores']:.2f}; joins "
        f"{f['join_s']:.1f} s, presence quiet after {f['settle_s']:.1f} s "
        f"({f['presence_events']:,} presence events); "
        f"{f['kb_per_connection']:.0f} KB a connection"
        + (f"; first failed join: {f['first_failure']}" if f["first_failure"] else "")
        for label, f in (("ours", ours), ("bare", bare))
    ]


def run(options: Options):
    busy = Load(
        receivers=20 if options.quick else 100, rate=50, seconds=1.0 if options.quick else options.duration
    )
    quiet = Load(
        receivers=100 if options.quick else 1000,
        rate=1,
        seconds=2.0 if options.quick else 2 * options.duration,
        settle_max=30.0 if options.quick else 60.0,
    )
    # PostgreSQL when there is one, as production runs: psycopg waits on the network through
    # gevent, while each SQLite commit blocks the whole process in its fsync.
    kind = "postgresql" if postgres_url() else "sqlite"
    database = database_url(kind, options.workdir, "chat")
    members = make_members(database, options.workdir, max(busy.receivers, quiet.receivers))
    detail = Note(
        f"chat: gunicorn -c deploy/gunicorn-chat.conf.py (gevent, 1 worker a process) on {kind}; "
        f"receivers over WebSocket in up to {CLIENT_PROCESSES} gevent processes (bench/chat_clients.py); "
        f"{busy.seconds:.0f} s at 50 messages/s, {quiet.seconds:.0f} s at 1/s"
    )

    # Every server starts at once (an idle one costs nothing); then the loads run one by one.
    redis_url = os.environ.get("TEST_REDIS_URL")
    single = server_env(database, options.workdir, quiet.receivers, None)
    started = {
        label: [Server(label, *app, single, options.workdir)]
        for label, app in (("chat", CHAT), ("bare", BARE))
    }
    if redis_url:
        shared = server_env(database, options.workdir, busy.receivers, redis_url)
        for label, app in (("chat-redis", CHAT), ("bare-redis", BARE)):
            started[label] = [Server(f"{label}-{side}", *app, shared, options.workdir) for side in "ab"]
    elif os.environ.get("CI", "").lower() == "true":
        raise BenchmarkFailed("TEST_REDIS_URL is not set (CI=true)")

    found: dict[tuple[str, str], dict | str] = {}
    with Servers([server for group in started.values() for server in group]):
        for phase, load in (("busy", busy), ("quiet", quiet)):
            for label, servers in started.items():
                if phase == "quiet" and "redis" in label:
                    continue
                try:
                    tag = f"{label}-{phase}-{RUN}"
                    found[label, phase] = measure(servers, members, load, tag, options.workdir)
                except BenchmarkFailed as error:  # the other measurements still run
                    found[label, phase] = f"{label}, {phase}: {error}"
    if redis_url:
        _forget_presence(redis_url)

    name = f"chat: {busy.receivers} receivers, 50 msg/s"
    yield from rows(name, found["chat", "busy"], found["bare", "busy"], 50.0)
    detail.lines += describe(name, found["chat", "busy"], found["bare", "busy"])
    if redis_url:
        name = f"chat: 2 processes + Redis, {busy.receivers} receivers, 50 msg/s"
        yield from rows(name, found["chat-redis", "busy"], found["bare-redis", "busy"], 100.0)
        detail.lines += describe(name, found["chat-redis", "busy"], found["bare-redis", "busy"])
    else:
        yield Row("chat: 2 processes + Redis", None, "", error="TEST_REDIS_URL is not set")
    name = f"chat: {quiet.receivers:,} quiet members, 1 msg/s"
    yield from rows(name, found["chat", "quiet"], found["bare", "quiet"], 500.0)
    detail.lines += describe(name, found["chat", "quiet"], found["bare", "quiet"])
    yield detail
    failures = [item for item in found.values() if isinstance(item, str)]
    if failures:
        raise BenchmarkFailed("; ".join(failures))


def _forget_presence(redis_url: str) -> None:
    """What the chat processes kept in Redis: they were stopped before they could say goodbye."""
    import redis

    connection = redis.Redis.from_url(redis_url)
    try:
        for key in connection.scan_iter(match="chat:*"):
            connection.delete(key)
    finally:
        connection.close()
