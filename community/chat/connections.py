"""Who is connected: each member's open sockets, and who is online in each room.

In one process this lives in memory. With SOCKETIO_MESSAGE_QUEUE (Redis) it lives in Redis,
so every chat process sees the same presence and any process can close a member's sockets
on another (python-socketio's Redis manager carries the disconnect across).
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict

from flask import current_app

_KEY = "community.chat.connections"


class MemoryStore:
    def __init__(self):
        self._lock = threading.Lock()
        self._sids: dict[int, dict[str, int]] = defaultdict(dict)
        self._online: dict[int, Counter] = defaultdict(Counter)

    def add_sid(self, member_id: int, sid: str, session_id: int) -> None:
        with self._lock:
            self._sids[member_id][sid] = session_id

    def remove_sid(self, member_id: int, sid: str) -> None:
        with self._lock:
            self._sids[member_id].pop(sid, None)

    def sids(self, member_id: int, session_ids=None) -> set[str]:
        """The member's sockets, or only those opened on these sign-ins."""
        with self._lock:
            found = dict(self._sids.get(member_id, {}))
        return {sid for sid, session in found.items() if session_ids is None or session in session_ids}

    def enter(self, room_id: int, username: str) -> None:
        with self._lock:
            self._online[room_id][username] += 1

    def leave(self, room_id: int, username: str) -> None:
        with self._lock:
            online = self._online[room_id]
            online[username] -= 1
            if online[username] <= 0:
                del online[username]

    def online(self, room_id: int) -> list[str]:
        with self._lock:
            return sorted(self._online.get(room_id, {}))

    def counts(self, room_ids) -> dict[int, int]:
        with self._lock:
            return {room_id: len(self._online.get(room_id, {})) for room_id in room_ids}


class RedisStore:
    """The same in Redis: a hash of sid -> sign-in per member, of username -> tabs per room."""

    def __init__(self, url: str):
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)

    def add_sid(self, member_id, sid, session_id):
        self.redis.hset(f"chat:sids:{member_id}", sid, session_id)

    def remove_sid(self, member_id, sid):
        self.redis.hdel(f"chat:sids:{member_id}", sid)

    def sids(self, member_id, session_ids=None):
        found = self.redis.hgetall(f"chat:sids:{member_id}")
        return {sid for sid, session in found.items() if session_ids is None or int(session) in session_ids}

    def enter(self, room_id, username):
        self.redis.hincrby(f"chat:online:{room_id}", username, 1)

    def leave(self, room_id, username):
        key = f"chat:online:{room_id}"
        if self.redis.hincrby(key, username, -1) <= 0:
            self.redis.hdel(key, username)

    def online(self, room_id):
        return sorted(self.redis.hkeys(f"chat:online:{room_id}"))

    def counts(self, room_ids):
        pipe = self.redis.pipeline()
        ids = list(room_ids)
        for room_id in ids:
            pipe.hlen(f"chat:online:{room_id}")
        return dict(zip(ids, pipe.execute(), strict=True))


def store():
    found = current_app.extensions.get(_KEY)
    if found is None:
        url = current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
        found = current_app.extensions[_KEY] = RedisStore(url) if url else MemoryStore()
    return found
