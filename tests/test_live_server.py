"""The real server, under gunicorn with gunicorn.conf.py: live connections cannot take its threads."""

from __future__ import annotations

import http.client
import importlib.util
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest

from tests.helpers import PASSWORD, ROOT, cookie_header, cookies_from, csrf_token_in, skip_or_fail

pytestmark = pytest.mark.real_server

THREADS = 8
MAX_PER_MEMBER = 3
POLL = "/socket.io/?EIO=4&transport=polling"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn serving tests/live_probe_app.py, which mounts Socket.IO; yields its port."""
    if importlib.util.find_spec("gunicorn") is None:
        skip_or_fail("gunicorn is not installed (pip install -e .)")
    folder = tmp_path_factory.mktemp("gunicorn")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "SOCKETIO_", "GUNICORN_", "PROXY_", "TRUSTED_"))
    }
    env.update(
        SECRET_KEY="live-server-test-secret",
        DATABASE_URL=f"sqlite:///{folder / 'live.db'}",
        BASE_URL=f"http://127.0.0.1:{port}",
        TRUSTED_HOSTS="127.0.0.1",
        MAIL_OUTBOX=str(folder / "outbox"),
        HOST="127.0.0.1",
        PORT=str(port),
        SOCKETIO_MAX_PER_MEMBER=str(MAX_PER_MEMBER),
    )
    log = open(folder / "gunicorn.log", "w+b")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--workers",
            "1",
            "--threads",
            str(THREADS),
            "tests.live_probe_app:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"gunicorn did not come up:\n{log.read().decode(errors='replace')}")
            try:
                if request(port, "GET", "/healthz", timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        log.close()


def request(port, method, path, body=None, headers=None, timeout=5.0):
    """One plain HTTP request: (status, headers, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode(errors="replace")
    finally:
        connection.close()


@pytest.fixture(scope="module")
def member_cookie(server) -> dict:
    """Sign in as the probe member through the real form; the cookie header that carries it."""
    status, headers, html = request(server, "GET", "/auth/login")
    assert status == 200
    jar = cookies_from(headers)
    form = {"csrf_token": csrf_token_in(html), "login": "probe_member", "password": PASSWORD}
    status, headers, _ = request(
        server,
        "POST",
        "/auth/login",
        body=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)},
    )
    assert status == 302, "the probe member could not sign in"
    return {"Cookie": cookie_header(cookies_from(headers, jar))}


def open_raw(port, text: str) -> socket.socket:
    """Send a request on a raw socket and leave it open, unread, as a waiting client would."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(text.encode())
    return sock


def read_head(sock: socket.socket) -> str:
    """What the server answered on a raw socket, up to the end of its headers and a little body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


def raw_get(port, path: str, extra: str = "") -> str:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}\r\n"


def handshake(port, cookie: dict) -> str:
    status, _, body = request(port, "GET", POLL, headers=cookie)
    assert status == 200 and body.startswith("0{"), (status, body)
    return re.search(r'"sid":"([^"]+)"', body).group(1)


def test_anonymous_live_connections_leave_threads_for_pages(server):
    websocket = (
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    )
    held = [
        open_raw(server, raw_get(server, "/socket.io/?EIO=4&transport=websocket", websocket))
        for _ in range(2 * THREADS)
    ]
    held += [open_raw(server, raw_get(server, POLL)) for _ in range(2 * THREADS)]
    try:
        started = time.monotonic()
        status, _, _ = request(server, "GET", "/healthz", timeout=5)
        elapsed = time.monotonic() - started
        assert status == 200
        assert elapsed < 1.0, f"/healthz took {elapsed:.2f}s with anonymous live connections open"
        answers = [read_head(sock) for sock in held]
    finally:
        for sock in held:
            sock.close()
    assert all(answer.startswith("HTTP/1.1 401 ") for answer in answers), answers


def test_signed_in_member_gets_an_engine_io_session(server, member_cookie):
    status, _, body = request(server, "GET", POLL, headers=member_cookie)
    assert status == 200
    assert body.startswith("0{") and '"sid"' in body


def test_no_header_names_gunicorn(server, member_cookie):
    for path, headers in [
        ("/", {}),
        ("/healthz", {}),
        ("/no-such-page", {}),
        (POLL, {}),
        (POLL, member_cookie),
    ]:
        _, response_headers, _ = request(server, "GET", path, headers=headers)
        named = [(k, v) for k, v in response_headers if "gunicorn" in f"{k}: {v}".lower()]
        assert named == [], (path, named)
        assert dict((k.lower(), v) for k, v in response_headers).get("server") in (None, "web")


def test_one_member_holds_at_most_the_cap_and_gets_places_back(server, member_cookie):
    sids = [handshake(server, member_cookie) for _ in range(MAX_PER_MEMBER + 1)]
    time.sleep(0.2)  # each handshake gives its place back once gunicorn closes the response
    cookie = member_cookie["Cookie"]
    held = [
        open_raw(server, raw_get(server, f"{POLL}&sid={sid}", f"Cookie: {cookie}\r\n"))
        for sid in sids[:MAX_PER_MEMBER]
    ]
    try:
        time.sleep(0.5)
        readable, _, _ = select.select(held, [], [], 0)
        assert readable == [], "a long-poll came back at once instead of waiting"
        status, _, body = request(server, "GET", f"{POLL}&sid={sids[-1]}", headers=member_cookie)
        assert status == 429, (status, body)
        # Socket.IO pings within ping_interval (5 s here): each waiting poll then ends ...
        for sock in held:
            sock.settimeout(10)
            assert read_head(sock).startswith("HTTP/1.1 200 ")
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.2)
    # ... and gives its place back, so the member may connect again.
    handshake(server, member_cookie)
