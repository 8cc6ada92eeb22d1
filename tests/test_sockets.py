"""Socket.IO's mount and its gate, in process: who passes, how many at once, behind which proxy."""

from __future__ import annotations

import pytest
from flask_login import current_user
from flask_socketio import _SocketIOMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix

from community.accounts.services import create_user
from community.extensions import db, socketio
from community.sockets import SocketGate, address_key
from tests.conftest import AuthActions, make_app
from tests.helpers import PASSWORD, Client

POLL = "/socket.io/?EIO=4&transport=polling"


def test_without_socket_events_socketio_is_not_mounted():
    """A Socket.IO instance no feature gave events to is not mounted: nothing would answer."""
    from flask import Flask
    from flask_socketio import SocketIO

    from community.sockets import init_socketio

    bare = Flask(__name__)
    init_socketio(bare, SocketIO())
    assert "socketio" not in bare.extensions
    assert bare.test_client().get(POLL).status_code == 404


def test_chat_mounts_socketio_behind_the_gate(app, client):
    assert "socketio" in app.extensions
    assert client.get(POLL).status_code == 401  # visitors are refused before Engine.IO


class FakeEngine:
    """Stands in for Engine.IO: answers every request, or raises when told to."""

    def __init__(self):
        self.calls = 0
        self.error: Exception | None = None

    def __call__(self, environ, start_response):
        self.calls += 1
        if self.error is not None:
            raise self.error
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


@pytest.fixture
def engine(app) -> FakeEngine:
    """The test app with SocketGate in front of a FakeEngine at /socket.io/."""
    fake, pages = FakeEngine(), app.wsgi_app

    def dispatch(environ, start_response):
        target = fake if environ["PATH_INFO"].startswith("/socket.io/") else pages
        return target(environ, start_response)

    app.config.update(SOCKETIO_MAX_PER_ADDRESS=3, SOCKETIO_MAX_PER_MEMBER=2)
    app.wsgi_app = fake.gate = SocketGate(app, dispatch)
    return fake


def test_anonymous_is_refused_before_engine_io(client, engine):
    response = client.get(POLL)
    assert response.status_code == 401
    assert response.mimetype == "text/plain"
    assert engine.calls == 0


def test_member_passes_and_gives_the_place_back(client, auth, engine):
    auth.login()
    response = client.get(POLL, buffered=True)
    assert response.status_code == 200 and engine.calls == 1
    assert "Set-Cookie" not in response.headers
    assert not engine.gate.in_flight


def test_one_member_may_hold_only_so_many(client, auth, engine):
    auth.login()
    held = [client.get(POLL, buffered=False) for _ in range(2)]
    assert [r.status_code for r in held] == [200, 200]
    assert client.get(POLL).status_code == 429
    held.pop().close()
    assert client.get(POLL, buffered=True).status_code == 200
    held.pop().close()
    assert not engine.gate.in_flight


def test_one_address_may_hold_only_so_many_across_members(app, users, engine):
    clients = {name: app.test_client() for name in ("member", "other_member")}
    for name, client in clients.items():
        AuthActions(client).login(name)
    held = [clients["member"].get(POLL, buffered=False) for _ in range(2)]
    held.append(clients["other_member"].get(POLL, buffered=False))
    assert [r.status_code for r in held] == [200, 200, 200]
    assert clients["other_member"].get(POLL).status_code == 429  # the address's fourth
    for response in held:
        response.close()
    assert not engine.gate.in_flight


def test_a_request_that_fails_gives_its_place_back(client, auth, engine):
    auth.login()
    engine.error = OSError("client went away")
    with pytest.raises(OSError):
        client.get(POLL)
    assert not engine.gate.in_flight


def test_an_untrusted_host_is_refused(app, client, auth, engine):
    auth.login()
    app.config["TRUSTED_HOSTS"] = ["localhost"]
    assert client.get(POLL, base_url="http://elsewhere.example").status_code == 400
    assert engine.calls == 0


@pytest.mark.parametrize(
    "address, key",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", ""),
    ],
)
def test_addresses_are_counted_per_network(address, key):
    assert address_key(address) == key


@pytest.fixture
def socket_feature(monkeypatch):
    """A feature's connect handler on the shared socketio for one test, all taken away after."""
    for name in ("handlers", "namespace_handlers"):
        monkeypatch.setattr(socketio, name, list(getattr(socketio, name)))
    monkeypatch.setattr(socketio, "server_options", dict(socketio.server_options))
    for name in ("server", "manage_session", "sockio_mw", "async_mode"):
        monkeypatch.setattr(socketio, name, getattr(socketio, name, None), raising=False)

    @socketio.on("connect", namespace="/probe")
    def probe_connect(auth=None):
        return current_user.is_authenticated

    yield
    if socketio.server is not None:  # end the sessions and the background task it started
        for session in list(socketio.server.eio.sockets.values()):
            session.close(wait=False, abort=True)
        socketio.server.shutdown()


@pytest.fixture
def mounted_app(socket_feature, tmp_path):
    app = make_app(PROXY_HOPS=1, MAIL_OUTBOX=str(tmp_path / "outbox"))
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
        create_user("member", "member@example.org", PASSWORD)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _layers(wsgi_app):
    """The middleware chain from the outside in (each layer names the next .app or .wsgi_app)."""
    layers = []
    while wsgi_app is not None and len(layers) < 10:
        layers.append(wsgi_app)
        wsgi_app = getattr(wsgi_app, "app", None) or getattr(wsgi_app, "wsgi_app", None)
    return [type(layer) for layer in layers]


def test_a_feature_mounts_socketio_behind_proxy_fix_and_the_gate(mounted_app):
    layers = _layers(mounted_app.wsgi_app)
    assert layers.index(ProxyFix) < layers.index(SocketGate) < layers.index(_SocketIOMiddleware)

    client = mounted_app.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert client.get(POLL, headers=forwarded).status_code == 401
    AuthActions(client).login()
    response = client.get(POLL, headers=forwarded)
    assert response.status_code == 200 and response.get_data(as_text=True).startswith("0{")
    # Engine.IO, and so every connect handler, saw the member's address, not the proxy's.
    assert [environ["REMOTE_ADDR"] for environ in socketio.server.environ.values()] == ["203.0.113.9"]
