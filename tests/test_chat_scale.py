"""Chat across processes, as production runs it: two chat processes (gunicorn's gevent worker,
chat_wsgi.py, deploy/gunicorn-chat.conf.py) and a page process (gthread, gunicorn.conf.py) on
three ports, one database and one Redis (TEST_REDIS_URL).

Members sign in through the real form and talk through python-socketio's own client over
WebSocket, as a browser would: messages and presence cross between the chat processes both
ways, and a suspension or a sign-out on one process closes the member's socket on another
within a second. Without TEST_REDIS_URL these tests skip, and fail under CI=true.
"""

from __future__ import annotations

import importlib.util
import os
import queue
import threading
import time

import pytest

from bench import BenchmarkFailed
from bench.processes import GunicornServer as Server
from tests.helpers import PASSWORD, ROOT, TEST_REDIS_URL, csrf_token_in, skip_or_fail

pytestmark = pytest.mark.real_server

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
NAMESPACE = "/chat"
MEMBERS = ["alice", "bob", "carol", "dave", "erin"]
WITHIN = 1.0  # seconds: how soon a message, a presence change or a disconnect must arrive


# The database and the servers --------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url():
    if not TEST_REDIS_URL:
        skip_or_fail("TEST_REDIS_URL is not set (for example redis://127.0.0.1:6379/15)")
    for module in ("gevent", "socketio", "requests", "websocket"):
        if importlib.util.find_spec(module) is None:
            skip_or_fail(f"{module} is not installed (make install-dev)")
    import redis

    connection = redis.Redis.from_url(TEST_REDIS_URL)
    connection.flushdb()
    yield TEST_REDIS_URL
    connection.flushdb()
    connection.close()


@pytest.fixture(scope="module")
def database_url(request, tmp_path_factory):
    """One database for every process: a SQLite file, or PostgreSQL when TEST_DATABASE_URL is
    set; the members, a moderator and the rooms written first, and taken away at the end."""
    from community.accounts.services import create_user
    from community.chat.services import ensure_rooms
    from community.extensions import db
    from tests.conftest import make_app

    if TEST_DATABASE_URL:
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('chat-scale') / 'chat.db'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        if not TEST_DATABASE_URL:
            db.create_all()
        for name in MEMBERS:
            create_user(name, f"{name}@example.org", PASSWORD, trusted=True)
        create_user("moderator", "moderator@example.org", PASSWORD, role="moderator", trusted=True)
        ensure_rooms()
        db.session.commit()
        db.session.remove()
    yield url
    with app.app_context():
        if TEST_DATABASE_URL:
            from sqlalchemy import text

            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture(scope="module")
def servers(redis_url, database_url, tmp_path_factory):
    """Chat processes A and B on gevent, and page process P on gthread: {name: Server}."""
    folder = tmp_path_factory.mktemp("chat-servers")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "SOCKETIO_", "GUNICORN_", "PROXY_", "TRUSTED_", "DATABASE_"))
    }
    env.update(
        SECRET_KEY="chat-scale-test-secret",
        DATABASE_URL=database_url,
        TRUSTED_HOSTS="127.0.0.1",
        MAIL_OUTBOX=str(folder / "outbox"),
        HOST="127.0.0.1",
        SOCKETIO_MESSAGE_QUEUE=redis_url,
        RATELIMIT_STORAGE_URI=redis_url,
        SESSION_COOKIE_SECURE="0",  # plain HTTP on localhost; production keeps the default
        GUNICORN_WORKER_CONNECTIONS="200",
        GUNICORN_GRACEFUL_TIMEOUT="2",
    )
    chat = ("deploy/gunicorn-chat.conf.py", "chat_wsgi:app")
    started = {
        "A": Server("chat-a", *chat, env, folder),
        "B": Server("chat-b", *chat, env, folder),
        "P": Server("pages", "gunicorn.conf.py", "wsgi:app", {**env, "GUNICORN_WORKERS": "1"}, folder),
    }
    try:
        for server in started.values():
            server.start()
        for server in started.values():
            try:
                server.wait_ready(within=20)
            except BenchmarkFailed as failure:
                pytest.fail(str(failure))
        yield started
    finally:
        for server in started.values():
            server.stop()


# Members and their sockets -----------------------------------------------------------------


def sign_in(server: Server, username: str):
    """A requests.Session signed in as `username` through the real form on `server`."""
    import requests

    http = requests.Session()
    token = csrf_token_in(http.get(server.url + "/auth/login", timeout=10).text)
    answer = http.post(
        server.url + "/auth/login",
        data={"csrf_token": token, "login": username, "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, f"{username} could not sign in on {server.name}"
    return http


def cookie_of(http) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in http.cookies)


class Member:
    """One member's socket on /chat, over WebSocket, with what the server sent it."""

    def __init__(self, server: Server, http, **headers):
        import socketio

        self.sio = socketio.Client(reconnection=False)
        self.messages: queue.Queue = queue.Queue()
        self.presence: queue.Queue = queue.Queue()
        self.gone = threading.Event()
        self.gone_at = 0.0
        self.sio.on("message", self.messages.put, namespace=NAMESPACE)
        self.sio.on("presence", self.presence.put, namespace=NAMESPACE)
        self.sio.on("disconnect", self._gone, namespace=NAMESPACE)
        self.sio.connect(
            server.url,
            headers={"Cookie": cookie_of(http), **headers},
            namespaces=[NAMESPACE],
            transports=["websocket"],
            wait_timeout=5,
        )

    def _gone(self, *reason) -> None:
        self.gone_at = time.monotonic()
        self.gone.set()

    def call(self, event: str, payload: dict) -> dict:
        return self.sio.call(event, payload, namespace=NAMESPACE, timeout=5)

    def close(self) -> None:
        self.sio.disconnect()


@pytest.fixture
def members():
    """Opens sockets with `members(server, http)`; closes them all after the test."""
    opened: list[Member] = []

    def open_socket(server, http, **headers) -> Member:
        member = Member(server, http, **headers)
        opened.append(member)
        return member

    yield open_socket
    for member in opened:
        member.close()


def next_matching(found: queue.Queue, matches, seconds: float = WITHIN):
    """The first item put on `found` within `seconds` that `matches`; fails otherwise."""
    deadline = time.monotonic() + seconds
    seen = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            item = found.get(timeout=left)
        except queue.Empty:
            break
        if matches(item):
            return item
        seen.append(item)
    pytest.fail(f"nothing matching within {seconds} s; received {seen}")


# The tests --------------------------------------------------------------------------------


def test_messages_and_presence_cross_between_processes_both_ways(servers, members):
    a, b = servers["A"], servers["B"]
    alice = members(a, sign_in(a, "alice"))
    assert alice.call("join", {"room": "lounge"})["online"] == ["alice"]

    bob = members(b, sign_in(b, "bob"))
    joined = bob.call("join", {"room": "lounge"})
    assert joined["ok"] and joined["online"] == ["alice", "bob"], "B does not see who is online on A"
    next_matching(alice.presence, lambda p: p["online"] == ["alice", "bob"])

    sent = alice.call("send", {"room": "lounge", "body": "Hello from A", "client_id": "alice-1"})
    assert sent["ok"], sent
    got = next_matching(bob.messages, lambda m: m["client_id"] == "alice-1")
    assert got["id"] == sent["message"]["id"] and got["author"]["username"] == "alice"

    sent = bob.call("send", {"room": "lounge", "body": "And hello from B", "client_id": "bob-1"})
    assert sent["ok"], sent
    got = next_matching(alice.messages, lambda m: m["client_id"] == "bob-1")
    assert got["id"] == sent["message"]["id"] and "hello from B" in got["html"]

    bob.close()
    next_matching(alice.presence, lambda p: p["online"] == ["alice"])


def test_each_member_gets_each_message_once(servers, members):
    a, b = servers["A"], servers["B"]
    alice, erin = members(a, sign_in(a, "alice")), members(b, sign_in(b, "erin"))
    for member in (alice, erin):
        assert member.call("join", {"room": "lounge"})["ok"]
    ids = []
    for n in range(5):
        sent = alice.call("send", {"room": "lounge", "body": f"Message {n}", "client_id": f"once-{n}"})
        ids.append(sent["message"]["id"])
    time.sleep(0.5)
    for member in (alice, erin):
        got = [m["id"] for m in list(member.messages.queue) if m["client_id"].startswith("once-")]
        assert got == ids, f"expected each of {ids} once, in order"


def test_suspension_on_one_process_closes_the_socket_on_the_other(servers, members):
    a, b = servers["A"], servers["B"]
    watcher = members(a, sign_in(a, "alice"))
    watcher.call("join", {"room": "lounge"})
    dave_http = sign_in(b, "dave")
    dave = members(b, dave_http)
    assert dave.call("join", {"room": "lounge"})["ok"]
    next_matching(watcher.presence, lambda p: "dave" in p["online"])

    moderator = sign_in(a, "moderator")
    token = csrf_token_in(moderator.get(a.url + "/mod/users/dave", timeout=10).text)
    started = time.monotonic()
    answer = moderator.post(
        a.url + "/mod/users/dave/suspend",
        data={"csrf_token": token, "duration": "1", "reason": "Testing the reach of a suspension"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code in (302, 303), answer.text[:500]
    assert dave.gone.wait(WITHIN), f"dave's socket on B stayed open\n{b.log_text()}"
    assert dave.gone_at - started < WITHIN
    next_matching(watcher.presence, lambda p: "dave" not in p["online"])

    import socketio

    with pytest.raises(socketio.exceptions.ConnectionError):
        members(b, dave_http)  # the suspended member's cookie opens nothing now


def test_signing_out_on_a_page_process_closes_the_socket_on_a_chat_process(servers, members):
    """nginx sends pages to P and sockets to A: a sign-out on P reaches A through Redis."""
    a, pages = servers["A"], servers["P"]
    carol_http = sign_in(pages, "carol")
    carol = members(a, carol_http)
    assert carol.call("join", {"room": "lounge"})["ok"]

    token = csrf_token_in(carol_http.get(pages.url + "/settings", timeout=10).text)
    started = time.monotonic()
    answer = carol_http.post(
        pages.url + "/auth/logout", data={"csrf_token": token}, allow_redirects=False, timeout=10
    )
    assert answer.status_code in (302, 303)
    assert carol.gone.wait(WITHIN), f"carol's socket on A stayed open\n{a.log_text()}"
    assert carol.gone_at - started < WITHIN


def test_a_foreign_origin_is_refused_at_the_handshake(servers, members):
    import requests
    import socketio

    b = servers["B"]
    http = sign_in(b, "erin")
    with pytest.raises(socketio.exceptions.ConnectionError):
        members(b, http, Origin="http://evil.example")
    polling = b.url + "/socket.io/?EIO=4&transport=polling"
    cookie = {"Cookie": cookie_of(http)}
    refused = requests.get(polling, headers={**cookie, "Origin": "http://evil.example"}, timeout=5)
    assert refused.status_code == 400
    # The same member from the site's own origin gets in: only the origin was wrong.
    own = requests.get(polling, headers={**cookie, "Origin": b.url}, timeout=5)
    assert own.status_code == 200 and own.text.startswith("0{")
    assert members(b, http).call("join", {"room": "lounge"})["ok"]


def test_what_a_dead_process_kept_stops_counting_and_is_cleared(redis_url):
    """A chat process killed with members connected never runs their disconnect handlers:
    once it stops beating, its presence and sockets stop counting, and a live one clears them."""
    import redis

    from community.chat.connections import PROCESSES, RedisStore

    room, member = 987_654, 987_654  # ids no server in this module uses
    alive, dead = RedisStore(redis_url), RedisStore(redis_url)
    for store, name in ((alive, "alice"), (dead, "ghost")):
        store._beating = True  # beat by hand here, not from a thread
        store.beat()
        store.enter(room, name)
        store.add_sid(member, f"sid-{name}", 1)
    assert alive.online(room) == ["alice", "ghost"]
    assert alive.sids(member) == {"sid-alice", "sid-ghost"}

    connection = redis.Redis.from_url(redis_url)
    connection.zadd(PROCESSES, {dead.process: time.time() - RedisStore.DEAD_AFTER - 1})
    assert alive.online(room) == ["alice"]
    assert alive.counts([room]) == {room: 1}
    assert alive.sids(member) == {"sid-alice"}
    alive.beat()
    assert list(connection.scan_iter(match=f"chat:{dead.process}:*")) == []
    alive.leave(room, "alice")
    alive.remove_sid(member, "sid-alice")
    assert alive.online(room) == [] and alive.sids(member) == set()
    connection.close()


def test_an_anonymous_connection_is_refused(servers, members):
    import requests
    import socketio

    for server in (servers["A"], servers["B"]):
        with pytest.raises(socketio.exceptions.ConnectionError):
            members(server, requests.Session())
        answer = requests.get(server.url + "/socket.io/?EIO=4&transport=polling", timeout=5)
        assert answer.status_code == 401


def test_several_workers_without_a_queue_are_warned_about_at_start(monkeypatch):
    """Workers of one server, like processes, each keep their own rooms without a queue."""
    import runpy
    from types import SimpleNamespace

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    said: list[str] = []
    log = SimpleNamespace(warning=lambda message, *args: said.append(message % args))
    server = SimpleNamespace(cfg=SimpleNamespace(workers=2), log=log)

    monkeypatch.delenv("SOCKETIO_MESSAGE_QUEUE", raising=False)
    settings["when_ready"](server)
    assert any("no SOCKETIO_MESSAGE_QUEUE" in line for line in said)

    said.clear()
    monkeypatch.setenv("SOCKETIO_MESSAGE_QUEUE", "redis://127.0.0.1:6379/0")
    settings["when_ready"](server)
    assert not any("SOCKETIO_MESSAGE_QUEUE" in line for line in said)

    server.cfg.workers = 1
    monkeypatch.delenv("SOCKETIO_MESSAGE_QUEUE")
    settings["when_ready"](server)
    assert not any("SOCKETIO_MESSAGE_QUEUE" in line for line in said)
