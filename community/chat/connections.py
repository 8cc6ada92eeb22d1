"""Who is connected: each member's open sockets, and who is online in each room.

In one process this lives in memory. With SOCKETIO_MESSAGE_QUEUE (Redis) it lives in Redis,
so every chat process sees the same presence and any process can close a member's sockets
on another (python-socketio's Redis manager carries the disconnect across).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import uuid
from collections import Counter, defaultdict

from flask import current_app

_KEY = "community.chat.connections"
_creating = threading.Lock()
log = logging.getLogger(__name__)


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


PROCESSES = "chat:processes"  # a sorted set: process id -> when it last said it was alive


class RedisStore:
    """The same in Redis, kept per process: `chat:<process>:online:<room>` (username -> open
    tabs) and `chat:<process>:sids:<member>` (sid -> sign-in); readers take the union over
    the processes alive now.

    A process that dies (a crash, a deploy that kills it at graceful_timeout, a machine lost)
    never runs its disconnect handlers, so counts it had kept in shared keys would show its
    members online for ever. Kept per process, they stop counting when the process stops
    beating, and the next live process deletes them. DEAD_AFTER is above gunicorn's 30 s
    timeout: a process whose beat is stuck for that long has been killed by then.
    """

    BEAT_SECONDS = 5
    DEAD_AFTER = 40

    def __init__(self, url: str):
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.process = uuid.uuid4().hex[:16]
        self._beating = False
        # One step, so a tab entering between the decrement and the delete is never lost.
        self._leave = self.redis.register_script(
            "local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1) "
            "if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end return n"
        )

    def _key(self, kind: str, key: object, process: str | None = None) -> str:
        return f"chat:{process or self.process}:{kind}:{key}"

    def _alive(self) -> list[str]:
        return self.redis.zrangebyscore(PROCESSES, time.time() - self.DEAD_AFTER, "+inf")

    def _union(self, kind: str, key: object, read: str) -> list:
        """`read` (hkeys or hgetall) of one key in every live process, in one round trip."""
        pipe = self.redis.pipeline(transaction=False)
        for process in self._alive():
            getattr(pipe, read)(self._key(kind, key, process))
        return pipe.execute()

    def add_sid(self, member_id, sid, session_id):
        self._start_beating()
        self.redis.hset(self._key("sids", member_id), sid, session_id)

    def remove_sid(self, member_id, sid):
        self.redis.hdel(self._key("sids", member_id), sid)

    def sids(self, member_id, session_ids=None):
        found = {}
        for part in self._union("sids", member_id, "hgetall"):
            found.update(part)
        return {sid for sid, session in found.items() if session_ids is None or int(session) in session_ids}

    def enter(self, room_id, username):
        self._start_beating()
        self.redis.hincrby(self._key("online", room_id), username, 1)

    def leave(self, room_id, username):
        self._leave(keys=[self._key("online", room_id)], args=[username])

    def online(self, room_id):
        return sorted({name for names in self._union("online", room_id, "hkeys") for name in names})

    def counts(self, room_ids):
        ids, alive = list(room_ids), self._alive()
        pipe = self.redis.pipeline(transaction=False)
        for room_id in ids:
            for process in alive:
                pipe.hkeys(self._key("online", room_id, process))
        found = iter(pipe.execute())
        return {room_id: len({name for _ in alive for name in next(found)}) for room_id in ids}

    # Staying counted ------------------------------------------------------------------------

    def _start_beating(self) -> None:
        """On the first socket: say this process is alive, and keep saying it.

        threading.Thread is a greenlet in a gevent process (chat_wsgi.py patches it)."""
        if self._beating:
            return
        self._beating = True
        self.beat()
        threading.Thread(target=self._beat_forever, name="chat-presence-beat", daemon=True).start()
        atexit.register(self._forget_myself)

    def _beat_forever(self) -> None:
        while True:
            time.sleep(self.BEAT_SECONDS)
            try:
                self.beat()
            except Exception:  # Redis away for a moment: try again at the next beat
                log.warning("Chat presence: could not reach Redis", exc_info=True)

    def beat(self) -> None:
        """This process is alive; processes that stopped beating are forgotten."""
        now = time.time()
        self.redis.zadd(PROCESSES, {self.process: now})
        for process in self.redis.zrangebyscore(PROCESSES, "-inf", now - self.DEAD_AFTER):
            self.forget(process)

    def forget(self, process: str) -> None:
        """Delete what a process kept (its own at a clean exit, or a dead one's)."""
        doomed = list(self.redis.scan_iter(match=f"chat:{process}:*", count=500))
        for start in range(0, len(doomed), 500):
            self.redis.delete(*doomed[start : start + 500])
        self.redis.zrem(PROCESSES, process)

    def _forget_myself(self) -> None:
        """At a clean exit. gunicorn kills a worker that still holds WebSockets when
        graceful_timeout ends, and then only DEAD_AFTER clears what it kept."""
        try:
            self.forget(self.process)
        except Exception:  # Redis gone too: the others forget this process after DEAD_AFTER
            pass


class PresenceTimer:
    """When a room's "who is online" may go out from this process: at once when none went
    out in the last `interval` seconds, else once at the end of it, carrying every change
    made meanwhile. Presence to everyone in a room on every arrival is n² events: 1,000
    members joining took 22 s and 500,000 events before this, measured (bench/README.md)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._last: dict[int, float] = {}
        self._waiting: set[int] = set()

    def claim(self, room_id: int, interval: float) -> float | None:
        """Seconds to wait before sending (0: now), or None when a send is already waiting."""
        now = time.monotonic()
        with self._lock:
            if room_id in self._waiting:
                return None
            wait = self._last.get(room_id, -interval) + interval - now
            if wait <= 0:
                self._last[room_id] = now
                return 0.0
            self._waiting.add(room_id)
            return wait

    def sending(self, room_id: int) -> None:
        """The waiting send goes now: changes from here on start a new wait."""
        with self._lock:
            self._waiting.discard(room_id)
            self._last[room_id] = time.monotonic()


def presence_timer() -> PresenceTimer:
    return current_app.extensions.setdefault(_KEY + ".presence", PresenceTimer())


def store() -> MemoryStore | RedisStore:
    found = current_app.extensions.get(_KEY)
    if found is None:
        with _creating:  # one store per app: two would each keep tabs the other never closes
            found = current_app.extensions.get(_KEY)
            if found is None:
                url = current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
                found = current_app.extensions[_KEY] = RedisStore(url) if url else MemoryStore()
    return found
