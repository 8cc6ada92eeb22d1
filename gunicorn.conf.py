"""Gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`."""

import os

import gunicorn.http.wsgi

_host, _port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
bind = f"[{_host}]:{_port}" if ":" in _host else f"{_host}:{_port}"  # an IPv6 address goes in brackets

# Threads, because a live request (a long-poll or a WebSocket) holds its thread while it
# waits. The app's SocketGate turns visitors away before that and caps each address and
# member (SOCKETIO_MAX_PER_ADDRESS, SOCKETIO_MAX_PER_MEMBER, counted per worker).
worker_class = "gthread"
# Limits (sign-in attempts, posts a minute) are counted per process unless they are kept in
# Redis (RATELIMIT_STORAGE_URI): with counts in memory, one process, or every limit doubles.
_shared_limits = os.environ.get("RATELIMIT_STORAGE_URI", "memory://").startswith(("redis", "rediss"))
workers = int(os.environ.get("GUNICORN_WORKERS", "2" if _shared_limits else "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "16"))

# gthread workers report in from their main loop, so a long-poll never looks like a hang.
timeout = 30
graceful_timeout = 30
# Idle keep-alive connections wait in the poller, not in a thread.
keepalive = 5

# Gunicorn's own defaults, written down so a change is a visible decision.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Nothing here uses gunicornc, and servers started side by side must not share its socket.
control_socket_disable = True

# Say less about the stack: every response's Server header is this module global.
gunicorn.http.wsgi.SERVER = "web"


def when_ready(server):
    if server.cfg.workers > 1 and not _shared_limits:
        server.log.warning(
            "GUNICORN_WORKERS=%s with limits counted in memory: each process counts on its "
            "own, so every limit is %s times looser. Set RATELIMIT_STORAGE_URI to Redis.",
            server.cfg.workers,
            server.cfg.workers,
        )
    # The master never loads the app (no preload), so it cannot look for Socket.IO; the chat
    # mounts it in every process, so count on it being there.
    if server.cfg.workers > 1 and not os.environ.get("SOCKETIO_MESSAGE_QUEUE"):
        server.log.warning(
            "GUNICORN_WORKERS=%s with Socket.IO mounted and no SOCKETIO_MESSAGE_QUEUE: each "
            "worker keeps its own rooms, presence and sockets, so a chat message, a presence "
            "change or a sign-out's disconnect reaches only members on the same worker. Set "
            "SOCKETIO_MESSAGE_QUEUE to Redis (deploy/README.md).",
            server.cfg.workers,
        )


def post_worker_init(worker):
    # Socket.IO long-polling needs every request of a session to reach the same process,
    # and gunicorn does not route by session: with Socket.IO mounted, run one worker (or
    # several one-worker servers behind a sticky proxy, sharing SOCKETIO_MESSAGE_QUEUE).
    if "socketio" in getattr(worker.wsgi, "extensions", {}) and worker.cfg.workers > 1:
        worker.log.warning(
            "Socket.IO is mounted but GUNICORN_WORKERS=%s: long-polling clients "
            "will lose their sessions; use one worker per server.",
            worker.cfg.workers,
        )
    # The directory's place tables take about 3 s to read: read them now, beside the first
    # requests, rather than in the first search by place.
    import threading

    from community.resources import places

    threading.Thread(target=places.warm, name="warm-places", daemon=True).start()
