"""Chat fixtures: the rooms, and members connected to /chat through Socket.IO's test client.

`chat.connect("member")` signs a member in with their own Flask test client and opens a
socket on it; `.emit(event, payload)` returns the acknowledgement and `.received(name)`
the payloads the server sent since the last look. Every socket opened here is closed after
the test.
"""

from __future__ import annotations

import time

import pytest

from community.accounts.models import User
from community.chat import services
from community.chat.models import ChatMessage, Room
from community.extensions import db, socketio
from community.forums.seed import seed_groups
from tests.conftest import AuthActions
from tests.moderation.conftest import starter_words, watch_word  # noqa: F401  (fixtures, here too)

NAMESPACE = "/chat"
USERNAMES = {
    "member": "member",
    "other": "other_member",
    "newcomer": "newcomer",
    "moderator": "moderator",
    "admin": "admin",
}


class Socket:
    """One member's connection to /chat."""

    def __init__(self, app, client, username: str):
        self.app, self.client, self.username = app, client, username
        self.sio = socketio.test_client(app, namespace=NAMESPACE, flask_test_client=client)
        self._counter = 0

    @property
    def connected(self) -> bool:
        return self.sio.is_connected(NAMESPACE)

    def emit(self, event: str, *args):
        """The server's acknowledgement of `event` (None when it gave none)."""
        return self.sio.emit(event, *args, namespace=NAMESPACE, callback=True)

    def join(self, room: str = "lounge", **extra) -> dict:
        return self.emit("join", {"room": room, **extra})

    def send(self, body: str, room: str = "lounge", client_id: str | None = None) -> dict:
        if client_id is None:
            self._counter += 1
            client_id = f"{self.username}-{self._counter}-{time.monotonic_ns()}"
        return self.emit("send", {"room": room, "body": body, "client_id": client_id})

    def events(self) -> list[tuple[str, object]]:
        """Everything the server sent since the last look, as (name, payload)."""
        found = []
        for packet in self.sio.get_received(NAMESPACE):
            args = packet["args"]
            # The test client hands over the payload of an event called "message" as is, and
            # a list of the arguments for every other event.
            if packet["name"] != "message" and isinstance(args, list):
                args = args[0] if len(args) == 1 else args
            found.append((packet["name"], args))
        return found

    def received(self, name: str) -> list:
        return [payload for event, payload in self.events() if event == name]

    def wait_disconnected(self, seconds: float = 1.0) -> bool:
        """True once the server closed this socket (it does so in a background task)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.connected:
                return True
            time.sleep(0.02)
        return not self.connected

    def close(self) -> None:
        if self.connected:
            self.sio.disconnect(namespace=NAMESPACE)


class Chat:
    def __init__(self, app, users):
        self.app, self.users = app, users
        self.sockets: list[Socket] = []

    def signed_in(self, who: str = "member"):
        """A Flask test client signed in as `who` (a key of the users fixture)."""
        client = self.app.test_client()
        response = AuthActions(client).login(USERNAMES[who])
        assert response.status_code == 302, f"{who} could not sign in"
        return client

    def connect(self, who: str = "member", client=None) -> Socket:
        socket = Socket(self.app, client or self.signed_in(who), USERNAMES[who])
        self.sockets.append(socket)
        return socket

    def visitor(self) -> Socket:
        socket = Socket(self.app, self.app.test_client(), "")
        self.sockets.append(socket)
        return socket

    def user(self, who: str) -> User:
        """The account, in the current app context."""
        return db.session.get(User, self.users[who])

    def room(self, slug: str = "lounge") -> Room:
        return services.room_by_slug(slug)

    def message(self, message_id: int) -> ChatMessage | None:
        with self.app.app_context():
            message = db.session.get(ChatMessage, message_id)
            if message is not None:
                db.session.expunge(message)
            return message

    def post(self, who: str, count: int, room: str = "lounge", body: str = "Message {n}") -> list[int]:
        """Store `count` messages straight through the service (no flood limit), oldest first."""
        ids = []
        with self.app.app_context():
            author, place = self.user(who), self.room(room)
            for n in range(count):
                message = ChatMessage(
                    room_id=place.id,
                    author_id=author.id,
                    client_id=f"seed-{who}-{n}-{time.monotonic_ns()}",
                    body=body.format(n=n),
                    body_html=f"<p>{body.format(n=n)}</p>",
                )
                db.session.add(message)
                db.session.flush()
                ids.append(message.id)
            db.session.commit()
        return ids

    def close_all(self) -> None:
        for socket in self.sockets:
            try:
                socket.close()
            except Exception:  # a socket the server already closed
                pass


@pytest.fixture
def rooms(app):
    """The seeded groups, a room for each and the Lounge."""
    with app.app_context():
        list(seed_groups())
        services.ensure_rooms()
        db.session.commit()


@pytest.fixture
def chat(app, users, rooms):
    helper = Chat(app, users)
    yield helper
    helper.close_all()
