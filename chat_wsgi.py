from gevent import monkey; monkey.patch_all()  # noqa: E702, I001  # fmt: skip

# The chat processes' entry point: `gunicorn -c deploy/gunicorn-chat.conf.py chat_wsgi:app`.
#
# The same app as wsgi.py, on gevent: each open WebSocket waits in a greenlet instead of
# holding an OS thread, so one process keeps thousands of quiet members connected
# (deploy/README.md has the figures). The standard library is patched on the first line,
# before Flask, SQLAlchemy, redis-py or psycopg import socket, ssl, select or threading: a
# module that kept the unpatched ones would block the whole process each time it waited.
#
# nginx sends only /socket.io/ here. Pages, and the password hashing of signing in, stay on
# the gthread processes (gunicorn.conf.py): a long computation here stalls every
# conversation on the process.

import hashlib  # noqa: E402  (after the patch, on purpose)
import os  # noqa: E402

from gevent import get_hub  # noqa: E402

from community import create_app  # noqa: E402
from community.config import Config  # noqa: E402


def hash_passwords_in_threads() -> None:
    """Send password hashing to gevent's thread pool.

    A scrypt check takes tens of milliseconds of CPU, and in this process every conversation
    would wait for it. OpenSSL's scrypt and PBKDF2 let go of the GIL while they work, so in
    a pool thread they run beside the hub. Werkzeug looks both up on hashlib at each call.
    Production chat processes never see a sign-in (nginx sends pages elsewhere); this is for
    `make run`, where one process serves everything, and for anything that slips through."""
    for name in ("scrypt", "pbkdf2_hmac"):
        original = getattr(hashlib, name)
        if getattr(original, "in_thread_pool", False):
            continue

        def in_pool(*args, _original=original, **kwargs):
            return get_hub().threadpool.apply(_original, args, kwargs)

        in_pool.in_thread_pool = True
        setattr(hashlib, name, in_pool)


hash_passwords_in_threads()

# Connections the process takes at once (deploy/gunicorn-chat.conf.py reads the same
# variable). Live ones are capped a little below, so a member over the cap is still accepted
# and told so (429) instead of waiting unanswered in the listen queue.
WORKER_CONNECTIONS = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "3000"))


def database_pool() -> dict:
    """Engine options for many greenlets sharing one process.

    PostgreSQL: a pool, each event holding a connection only while it runs (events.handler
    gives the session back at its end); past pool_timeout an event is refused with an
    acknowledgement rather than waiting on.

    SQLite: one connection, taken in turn. SQLite waits for another writer's lock inside C,
    where gevent cannot switch, so a greenlet that had written and then waited on the network
    (Redis, say) before its commit would be waited for by a second greenlet that keeps it
    from ever finishing: "database is locked" after five seconds, the whole process stalled
    meanwhile. Waiting for the pool's one connection is a wait gevent can see, and costs
    nothing measurable: SQLite calls never overlap in one process anyway."""
    if Config.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        return {"pool_size": 1, "max_overflow": 0, "pool_timeout": 30}
    pool = int(os.environ.get("CHAT_DATABASE_POOL", "10"))
    return {"pool_pre_ping": True, "pool_size": pool, "max_overflow": pool, "pool_timeout": 10}


app = create_app(
    {
        "SOCKETIO_ASYNC_MODE": "gevent",
        # On a gthread process this cap keeps threads free for pages; here a live request
        # costs a greenlet, so the cap is the process's connections.
        "SOCKETIO_MAX_TOTAL": int(os.environ.get("SOCKETIO_MAX_TOTAL", max(1, WORKER_CONNECTIONS - 100))),
        "SQLALCHEMY_ENGINE_OPTIONS": database_pool(),
    }
)

if __name__ == "__main__":
    # `make run`: pages and Socket.IO from this one gevent process, on gevent's WSGI server,
    # with Werkzeug's reloader when FLASK_DEBUG is set.
    from gevent import monkey

    from community.extensions import socketio

    # socketio.run patches threads and time again before Werkzeug's reloader starts; they are
    # patched already (line 1), and patching twice upsets gevent's fork hooks in the child
    # the reloader starts, which then prints an AssertionError on every reload.
    monkey.patch_thread = monkey.patch_time = lambda *args, **kwargs: None
    socketio.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")))
