"""Socket.IO for live features: mounted only when a feature has events, and only for members."""

from __future__ import annotations

import threading
from collections import Counter

from flask import Flask, request
from flask_login import current_user
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from community.extensions import socketio
from community.limits import address_key


def has_socket_handlers(sio=socketio) -> bool:
    """True once a feature's events module has registered an event or a namespace."""
    if sio.handlers or sio.namespace_handlers:
        return True
    # After an earlier init_app, Flask-SocketIO hands new handlers straight to its server.
    server = sio.server
    return server is not None and bool(server.handlers or server.namespace_handlers)


def init_socketio(app: Flask, sio=socketio) -> None:
    """Mount Socket.IO behind SocketGate; `sio` is the shared instance except in tests."""
    if not has_socket_handlers(sio):
        # Nothing would answer, and every open endpoint is one more thing to hold a thread:
        # /socket.io/ stays an ordinary 404.
        return
    # ProxyFix must stay outermost, so that the gate's per-address count, Engine.IO's
    # same-origin check and the connect handlers all see the member's address and scheme,
    # not the proxy's. init_app wraps whatever app.wsgi_app is at the time, so take
    # ProxyFix off, mount underneath it, and put it back on top.
    proxy_fix = app.wsgi_app if isinstance(app.wsgi_app, ProxyFix) else None
    if proxy_fix is not None:
        app.wsgi_app = proxy_fix.app
    sio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        cors_allowed_origins=app.config["SOCKETIO_CORS_ORIGINS"],
        # Events read the signed cookie session a page wrote, never a copy of their own.
        manage_session=False,
    )
    app.wsgi_app = SocketGate(app, app.wsgi_app, path=sio.sockio_mw.engineio_path)
    if proxy_fix is not None:
        proxy_fix.app = app.wsgi_app
        app.wsgi_app = proxy_fix


class SocketGate:
    """WSGI middleware before Socket.IO: signed-in members only, a few requests at a time.

    Under the threading async mode each long-poll or WebSocket holds a server thread
    while it waits, so the checks happen here, before Engine.IO takes the request,
    and not in a Socket.IO connect handler, which runs only after a thread is held.
    """

    def __init__(self, app: Flask, wsgi_app, path: str = "/socket.io/"):
        self.flask_app = app
        self.wsgi_app = wsgi_app
        self.path = path
        self.max_per_address = app.config["SOCKETIO_MAX_PER_ADDRESS"]
        self.max_per_member = app.config["SOCKETIO_MAX_PER_MEMBER"]
        # All live requests together, below the process's threads, so pages always have some.
        self.max_total = app.config["SOCKETIO_MAX_TOTAL"]
        self._lock = threading.Lock()
        self.in_flight: Counter[tuple[str, object]] = Counter()

    def __call__(self, environ, start_response):
        if not (environ.get("PATH_INFO") or "").startswith(self.path):
            return self.wsgi_app(environ, start_response)
        try:
            member_id = self.signed_in_member(environ)
        except SecurityError:
            return _refuse(start_response, "400 Bad Request", "Unknown host.")
        if member_id is None:
            return _refuse(start_response, "401 Unauthorized", "Sign in to use live features.")
        keys = [
            (("address", address_key(environ.get("REMOTE_ADDR") or "")), self.max_per_address),
            (("member", member_id), self.max_per_member),
            (("total", ""), self.max_total),
        ]
        if not self._enter(keys):
            return _refuse(
                start_response,
                "429 Too Many Requests",
                "Too many live connections at once. Close a tab and try again.",
            )
        release = _Once(self._leave, [key for key, _ in keys])
        try:
            body = self.wsgi_app(environ, start_response)
        except BaseException:
            # A WebSocket ends by raising out of the call once it closes.
            release()
            raise
        # Long-polls and WebSockets wait inside the call; a streamed body ends at close().
        return _ReleasingBody(body, release)

    def signed_in_member(self, environ):
        """The member id, read from the session cookie exactly as a page would read it.

        The environ is copied so nothing Flask notes on it reaches Engine.IO, and no
        response passes through Flask here, so no cookie is written. Leaving the context
        ends the app context, which gives the database session back.
        """
        with self.flask_app.request_context(dict(environ)):
            if isinstance(request.routing_exception, SecurityError):
                raise request.routing_exception  # a Host outside TRUSTED_HOSTS, as for a page
            return current_user.id if current_user.is_authenticated else None

    def _enter(self, keys) -> bool:
        with self._lock:
            if any(self.in_flight[key] >= limit for key, limit in keys):
                return False
            for key, _ in keys:
                self.in_flight[key] += 1
            return True

    def _leave(self, keys) -> None:
        with self._lock:
            for key in keys:
                self.in_flight[key] -= 1
                if self.in_flight[key] <= 0:
                    del self.in_flight[key]


class _Once:
    """A release that runs at most once, whichever of the call or close() ends first."""

    def __init__(self, func, arg):
        self.func, self.arg, self.done = func, arg, False

    def __call__(self) -> None:
        if not self.done:
            self.done = True
            self.func(self.arg)


class _ReleasingBody:
    """The response body, passed through; closing it releases the request's places."""

    def __init__(self, body, release: _Once):
        self.body, self.release = body, release

    def __iter__(self):
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.release()


def _refuse(start_response, status: str, message: str):
    body = (message + "\n").encode()
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [body]
