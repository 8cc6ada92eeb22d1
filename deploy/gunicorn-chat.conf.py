"""Gunicorn settings for a chat process: `gunicorn -c deploy/gunicorn-chat.conf.py chat_wsgi:app`.

One process serves /socket.io/ for thousands of members on gevent (deploy/README.md). Run as
many processes as you need, each on its own port, behind nginx's `ip_hash` (deploy/
nginx.conf.example), all with the same SOCKETIO_MESSAGE_QUEUE.
"""

import os

import gunicorn.http.wsgi

_host, _port = os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8001")
bind = f"[{_host}]:{_port}" if ":" in _host else f"{_host}:{_port}"  # an IPv6 address goes in brackets

# gunicorn's gevent worker: one greenlet per connection. python-engineio runs WebSockets on it
# through simple-websocket (a dependency already), so gevent-websocket is not needed.
worker_class = "gevent"
# One worker per process, always: Engine.IO keeps a client's session in the process that
# opened it, and gunicorn does not route a client back to the same worker. To use more
# cores, start more processes on more ports; nginx's ip_hash keeps each client on one.
workers = 1
# Connections one process holds at once: open WebSockets, long-polls, and the odd health
# check. A connected member measured about 75 KB, so 3,000 is about 225 MB. One process held
# 1,000 quiet members in one room at 1 message/s with p99 256 ms, and 100 members at 50
# messages/s with p99 17 ms, on a 2-CPU machine (bench/README.md, "Chat"); CPU, not
# connections, is what runs out first (deploy/README.md). chat_wsgi.py caps live requests
# 100 below this, so a member past the cap gets a prompt 429 instead of waiting unaccepted.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "3000"))
# Never preload: the worker must patch the standard library (chat_wsgi.py's first line)
# before the app imports anything; a preloaded app would be imported, unpatched, in the
# master.
preload_app = False

# The gevent worker reports in from a greenlet of its own; missing 30 s of reports means
# something blocked the whole process, and a restart is the right answer.
timeout = 30
# A WebSocket never finishes by itself: on restart, members get 10 s, then reconnect (to
# this process again, or another) and catch up with since_id.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "10"))
keepalive = 5

# Gunicorn's own defaults, written down as in gunicorn.conf.py.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Nothing here uses gunicornc, and processes started side by side must not share its socket.
control_socket_disable = True

gunicorn.http.wsgi.SERVER = "web"


def when_ready(server):
    if not os.environ.get("SOCKETIO_MESSAGE_QUEUE"):
        server.log.info(
            "SOCKETIO_MESSAGE_QUEUE is not set: this chat process works alone. With more "
            "than one chat process (or a page process that signs members out), set it to "
            "the same Redis URL everywhere, or rooms, presence and disconnects stay per process."
        )
